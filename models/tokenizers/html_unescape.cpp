#include "models/tokenizers/html_unescape.h"

#include <array>
#include <cstdint>
#include <optional>
#include <unordered_map>

namespace backdrop::models {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// U+00A0 ... U+00FF in code point order; HTML5 also accepts these without the final ';'.
constexpr std::array<std::string_view, 96> kLatin1Names = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",    "copy",   "ordf",
    "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn", "sup2",   "sup3",   "acute",  "micro",
    "para",   "middot", "cedil",  "sup1",   "ordm",   "raquo",  "frac14", "frac12", "frac34", "iquest", "Agrave",
    "Aacute", "Acirc",  "Atilde", "Auml",   "Aring",  "AElig",  "Ccedil", "Egrave", "Eacute", "Ecirc",  "Euml",
    "Igrave", "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde", "Ouml",
    "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",  "szlig",  "agrave", "aacute",
    "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil", "egrave", "eacute", "ecirc",  "euml",   "igrave",
    "iacute", "icirc",  "iuml",   "eth",    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide",
    "oslash", "ugrave", "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml"};

// The Greek letters of HTML 4, capital and small, in code point order from U+0391 and U+03B1.
constexpr std::array<std::string_view, 25> kGreekNames = {
    "alpha", "beta", "gamma", "delta",   "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu", "nu",
    "xi",    "omicron", "pi", "rho", "sigmaf", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega"};

struct NamedReference {
  std::string_view name;
  char32_t code_point;
};

// The rest of HTML 4's special and symbol references (values as HTML5 defines them), and &apos;.
constexpr NamedReference kOtherNames[] = {
    {"quot", 0x22},      {"amp", 0x26},      {"apos", 0x27},     {"lt", 0x3C},       {"gt", 0x3E},
    {"OElig", 0x152},    {"oelig", 0x153},   {"Scaron", 0x160},  {"scaron", 0x161},  {"Yuml", 0x178},
    {"fnof", 0x192},     {"circ", 0x2C6},    {"tilde", 0x2DC},   {"thetasym", 0x3D1}, {"upsih", 0x3D2},
    {"piv", 0x3D6},      {"ensp", 0x2002},   {"emsp", 0x2003},   {"thinsp", 0x2009}, {"zwnj", 0x200C},
    {"zwj", 0x200D},     {"lrm", 0x200E},    {"rlm", 0x200F},    {"ndash", 0x2013},  {"mdash", 0x2014},
    {"lsquo", 0x2018},   {"rsquo", 0x2019},  {"sbquo", 0x201A},  {"ldquo", 0x201C},  {"rdquo", 0x201D},
    {"bdquo", 0x201E},   {"dagger", 0x2020}, {"Dagger", 0x2021}, {"bull", 0x2022},   {"hellip", 0x2026},
    {"permil", 0x2030},  {"prime", 0x2032},  {"Prime", 0x2033},  {"lsaquo", 0x2039}, {"rsaquo", 0x203A},
    {"oline", 0x203E},   {"frasl", 0x2044},  {"euro", 0x20AC},   {"image", 0x2111},  {"weierp", 0x2118},
    {"real", 0x211C},    {"trade", 0x2122},  {"alefsym", 0x2135}, {"larr", 0x2190},  {"uarr", 0x2191},
    {"rarr", 0x2192},    {"darr", 0x2193},   {"harr", 0x2194},   {"crarr", 0x21B5},  {"lArr", 0x21D0},
    {"uArr", 0x21D1},    {"rArr", 0x21D2},   {"dArr", 0x21D3},   {"hArr", 0x21D4},   {"forall", 0x2200},
    {"part", 0x2202},    {"exist", 0x2203},  {"empty", 0x2205},  {"nabla", 0x2207},  {"isin", 0x2208},
    {"notin", 0x2209},   {"ni", 0x220B},     {"prod", 0x220F},   {"sum", 0x2211},    {"minus", 0x2212},
    {"lowast", 0x2217},  {"radic", 0x221A},  {"prop", 0x221D},   {"infin", 0x221E},  {"ang", 0x2220},
    {"and", 0x2227},     {"or", 0x2228},     {"cap", 0x2229},    {"cup", 0x222A},    {"int", 0x222B},
    {"there4", 0x2234},  {"sim", 0x223C},    {"cong", 0x2245},   {"asymp", 0x2248},  {"ne", 0x2260},
    {"equiv", 0x2261},   {"le", 0x2264},     {"ge", 0x2265},     {"sub", 0x2282},    {"sup", 0x2283},
    {"nsub", 0x2284},    {"sube", 0x2286},   {"supe", 0x2287},   {"oplus", 0x2295},  {"otimes", 0x2297},
    {"perp", 0x22A5},    {"sdot", 0x22C5},   {"lceil", 0x2308},  {"rceil", 0x2309},  {"lfloor", 0x230A},
    {"rfloor", 0x230B},  {"lang", 0x27E8},   {"rang", 0x27E9},   {"loz", 0x25CA},    {"spades", 0x2660},
    {"clubs", 0x2663},   {"hearts", 0x2665}, {"diams", 0x2666}};

struct EntityValue {
  char32_t code_point;
  bool legacy;  // HTML5 also recognises it without the final ';'
};

const std::unordered_map<std::string_view, EntityValue>& entity_table() {
  static const auto table = [] {
    std::unordered_map<std::string_view, EntityValue> entities;
    for (std::size_t i = 0; i < kLatin1Names.size(); ++i) {
      entities.emplace(kLatin1Names[i], EntityValue{static_cast<char32_t>(0xA0 + i), true});
    }
    static const auto capitals = [] {
      std::array<std::string, kGreekNames.size()> names;
      for (std::size_t i = 0; i < names.size(); ++i) {
        names[i] = std::string(kGreekNames[i]);
        names[i][0] = static_cast<char>(names[i][0] - 'a' + 'A');
      }
      return names;
    }();
    for (std::size_t i = 0; i < kGreekNames.size(); ++i) {
      entities.emplace(kGreekNames[i], EntityValue{static_cast<char32_t>(0x3B1 + i), false});
      // There is no capital final sigma (U+03A2 is unassigned).
      if (kGreekNames[i] != "sigmaf") entities.emplace(capitals[i], EntityValue{static_cast<char32_t>(0x391 + i), false});
    }
    for (const auto& [name, code_point] : kOtherNames) entities.emplace(name, EntityValue{code_point, false});
    for (const auto name : {"amp", "lt", "gt", "quot"}) entities.at(name).legacy = true;
    for (const auto& [upper, code_point] : std::initializer_list<std::pair<std::string_view, char32_t>>{
             {"AMP", 0x26}, {"LT", 0x3C}, {"GT", 0x3E}, {"QUOT", 0x22}, {"COPY", 0xA9}, {"REG", 0xAE}}) {
      entities.emplace(upper, EntityValue{code_point, true});
    }
    return entities;
  }();
  return table;
}

// Windows-1252 readings of the C1 range, which HTML5 substitutes for &#128; ... &#159;.
constexpr std::array<char32_t, 32> kWindows1252C1 = {
    0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x8D,   0x017D, 0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

bool is_invalid_code_point(uint32_t c) {
  return (c >= 0x1 && c <= 0x8) || c == 0xB || (c >= 0xE && c <= 0x1F) || (c >= 0x7F && c <= 0x9F) ||
         (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
}

// The text a numeric reference stands for (possibly empty, for code points HTML5 drops).
std::string numeric_reference(std::string_view digits, int base) {
  uint64_t value = 0;
  for (const char digit : digits) {
    const int d = (digit >= '0' && digit <= '9') ? digit - '0' : (digit | 0x20) - 'a' + 10;
    value = value * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    if (value > 0x10FFFF) break;  // out of range however many digits follow
  }
  std::string out;
  if (value == 0) {
    append_utf8(out, kReplacement);
  } else if (value == 0x0D) {
    out = "\r";
  } else if (value >= 0x80 && value <= 0x9F) {
    append_utf8(out, kWindows1252C1[value - 0x80]);
  } else if ((value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF) {
    append_utf8(out, kReplacement);
  } else if (!is_invalid_code_point(static_cast<uint32_t>(value))) {
    append_utf8(out, static_cast<char32_t>(value));
  }
  return out;
}

bool is_digit(char c, int base) {
  if (c >= '0' && c <= '9') return true;
  return base == 16 && ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

bool ends_name(char c) {
  return c == '\t' || c == '\n' || c == '\f' || c == ' ' || c == '<' || c == '&' || c == '#' || c == ';';
}

// Decodes the reference starting at text[start] == '&'. Returns the replacement and sets `consumed`
// to the bytes it covers, or nullopt when nothing there is a reference.
std::optional<std::string> decode_reference(std::string_view text, std::size_t start, std::size_t& consumed) {
  std::size_t pos = start + 1;
  if (pos < text.size() && text[pos] == '#') {
    ++pos;
    int base = 10;
    if (pos < text.size() && (text[pos] == 'x' || text[pos] == 'X')) {
      base = 16;
      ++pos;
    }
    const std::size_t digits_begin = pos;
    while (pos < text.size() && is_digit(text[pos], base)) ++pos;
    if (pos == digits_begin) return std::nullopt;
    const auto digits = text.substr(digits_begin, pos - digits_begin);
    if (pos < text.size() && text[pos] == ';') ++pos;
    consumed = pos - start;
    return numeric_reference(digits, base);
  }

  // Like Python: up to 32 name bytes and an optional ';'; the longest known prefix wins.
  constexpr std::size_t kMaxName = 32;
  while (pos < text.size() && pos - (start + 1) < kMaxName && !ends_name(text[pos])) ++pos;
  const auto name = text.substr(start + 1, pos - (start + 1));
  if (name.empty()) return std::nullopt;
  const bool has_semicolon = pos < text.size() && text[pos] == ';';
  const auto& entities = entity_table();
  if (const auto found = entities.find(name); found != entities.end() && (has_semicolon || found->second.legacy)) {
    consumed = 1 + name.size() + (has_semicolon ? 1 : 0);
    std::string out;
    append_utf8(out, found->second.code_point);
    return out;
  }
  for (std::size_t length = name.size() - (has_semicolon ? 0 : 1); length >= 2; --length) {
    const auto found = entities.find(name.substr(0, length));
    if (found != entities.end() && found->second.legacy) {
      consumed = 1 + length;
      std::string out;
      append_utf8(out, found->second.code_point);
      return out;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string html_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t amp = text.find('&', pos);
    if (amp == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, amp - pos));
    std::size_t consumed = 0;
    if (auto decoded = decode_reference(text, amp, consumed)) {
      out += *decoded;
      pos = amp + consumed;
    } else {
      out += '&';
      pos = amp + 1;
    }
  }
  return out;
}

}  // namespace backdrop::models
