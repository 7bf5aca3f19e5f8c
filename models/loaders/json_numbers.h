#pragma once
// nlohmann::json converts a floating-point number to an integer with a plain cast, which is
// undefined behaviour beyond the integer's range (a VAE config with "in_channels": 4.2e20, found by
// fuzz_diffusers_config). The config readers ask this first: integer fields take JSON integers
// within their range only, and lists of them likewise.

#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

namespace backdrop::models {

template <typename T>
struct is_std_vector : std::false_type {};
template <typename T>
struct is_std_vector<std::vector<T>> : std::true_type {};

// Whether `value` can become a T without an out-of-range or fractional number; values of other
// types are left to nlohmann's own conversion, which reports them.
template <typename T>
bool converts_exactly(const nlohmann::json& value) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    if (!value.is_number()) return true;
    if (!value.is_number_integer()) return false;
    if (value.is_number_unsigned()) return value.get<uint64_t>() <= uint64_t(std::numeric_limits<T>::max());
    const auto number = value.get<int64_t>();
    return number >= int64_t(std::numeric_limits<T>::min()) &&
           (std::is_unsigned_v<T> || number <= int64_t(std::numeric_limits<T>::max()));
  } else if constexpr (is_std_vector<T>::value) {
    if (!value.is_array()) return true;
    for (const auto& item : value) {
      if (!converts_exactly<typename T::value_type>(item)) return false;
    }
    return true;
  } else {
    return true;
  }
}

}  // namespace backdrop::models
