#pragma once
// Comparing floats we parse with the ones pandas parsed for obp. Both read the same text, but
// pandas 1.5's C parser keeps only the first 17 digits, leading zeros included, and drops the rest
// (the fixture README's "Float parsing": 1/34 lands 15 ulp from the correctly rounded value). A
// campaign with smaller propensities loses more digits, so the allowance is read from the text:
// the parser's own rounding (a few ulp) plus the distance the dropped digits make.

#include <bit>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include "core/common/csv_reader.h"

namespace backdrop::test {

// Rounding of pandas' digit accumulation and scaling by a power of ten, on top of dropped digits.
inline constexpr uint64_t kParserUlps = 8;

// The number of representable doubles between a and b (0 when equal; +0 and -0 are equal).
inline uint64_t ulp_distance(double a, double b) {
  const auto ordered = [](double x) {  // doubles in order as integers, -0 and +0 both 0
    const auto bits = std::bit_cast<int64_t>(x);
    return bits >= 0 ? bits : std::numeric_limits<int64_t>::min() - bits;
  };
  const int64_t x = ordered(a), y = ordered(b);
  return x >= y ? static_cast<uint64_t>(x) - static_cast<uint64_t>(y)
                : static_cast<uint64_t>(y) - static_cast<uint64_t>(x);
}

// The correctly rounded value of `text`.
inline double correctly_rounded(std::string_view text) {
  const auto start = text.data() + (text.starts_with('+') ? 1 : 0);
  double value = 0.0;
  std::from_chars(start, text.data() + text.size(), value);
  return value;
}

// The correctly rounded value of `text` once the digits pandas' parser drops are gone: the first 17
// digits (leading zeros counted) are kept, later integer digits become zeros, later decimals vanish.
inline double pandas_kept_digits(std::string_view text) {
  std::string kept;
  int digits = 0;
  bool decimals = false;
  std::size_t i = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      decimals = true;
    } else if (c >= '0' && c <= '9') {
      if (digits++ >= 17) {
        if (!decimals) kept += '0';
        continue;
      }
    } else if (c == 'e' || c == 'E') {
      break;
    }
    kept += c;
  }
  kept.append(text.substr(i));  // the exponent, untouched
  return correctly_rounded(kept);
}

// Whether `ours` and `pandas` (obp's stored value) are both readings of `text`: within kParserUlps
// plus the distance pandas' dropped digits make. The allowance comes from the text alone, so a
// wrong value of ours is not excused by its own error.
inline bool same_parsed_float(double ours, double pandas, std::string_view text) {
  const uint64_t dropped = ulp_distance(correctly_rounded(text), pandas_kept_digits(text));
  return ulp_distance(ours, pandas) <= kParserUlps + dropped;
}

}  // namespace backdrop::test
