#include "core/common/colour.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace backdrop {
namespace {

std::string lower_trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  text = text.substr(first, text.find_last_not_of(" \t") - first + 1);
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

std::optional<Rgb> parse_hex(const std::string& text) {
  if (text.size() != 7 || text[0] != '#') return std::nullopt;
  if (!std::all_of(text.begin() + 1, text.end(), [](unsigned char c) { return std::isxdigit(c); })) {
    return std::nullopt;
  }
  const auto value = std::stoul(text.substr(1), nullptr, 16);
  return Rgb{static_cast<uint8_t>(value >> 16), static_cast<uint8_t>((value >> 8) & 0xFF),
             static_cast<uint8_t>(value & 0xFF)};
}

}  // namespace

const std::vector<NamedColour>& named_colours() {
  // Everyday names a copywriter would use; roughly even coverage of hue, lightness and chroma.
  static const std::vector<NamedColour> table{
      {"black", {0, 0, 0}},          {"charcoal", {54, 69, 79}},     {"dark grey", {90, 90, 90}},
      {"grey", {128, 128, 128}},     {"silver", {192, 192, 192}},    {"light grey", {220, 220, 220}},
      {"white", {255, 255, 255}},    {"off-white", {245, 242, 232}}, {"ivory", {255, 250, 225}},
      {"cream", {255, 239, 200}},    {"beige", {225, 205, 170}},     {"sand", {194, 178, 128}},
      {"tan", {210, 170, 120}},      {"camel", {193, 140, 80}},      {"brown", {120, 72, 40}},
      {"chocolate", {75, 45, 25}},   {"taupe", {140, 125, 110}},     {"maroon", {110, 20, 30}},
      {"burgundy", {128, 0, 50}},    {"red", {210, 30, 35}},         {"coral", {250, 120, 95}},
      {"salmon", {250, 150, 130}},   {"pink", {245, 160, 190}},      {"blush pink", {240, 200, 200}},
      {"hot pink", {230, 50, 140}},  {"magenta", {200, 30, 170}},    {"plum", {120, 50, 100}},
      {"purple", {110, 50, 160}},    {"lavender", {190, 170, 230}},  {"violet", {140, 90, 210}},
      {"navy blue", {20, 30, 90}},   {"royal blue", {40, 80, 200}},  {"blue", {30, 110, 230}},
      {"sky blue", {135, 195, 235}}, {"pale blue", {200, 225, 245}}, {"steel blue", {70, 110, 150}},
      {"teal", {0, 120, 125}},       {"turquoise", {60, 200, 200}},  {"mint green", {170, 230, 190}},
      {"sage green", {150, 170, 130}}, {"olive green", {110, 115, 50}}, {"forest green", {35, 85, 45}},
      {"green", {40, 160, 70}},      {"lime green", {150, 210, 50}}, {"mustard yellow", {210, 170, 40}},
      {"yellow", {250, 215, 40}},    {"lemon yellow", {250, 245, 130}}, {"gold", {200, 160, 60}},
      {"orange", {240, 130, 30}},    {"peach", {250, 200, 160}},     {"rust", {170, 70, 30}},
      {"terracotta", {200, 100, 70}},
  };
  return table;
}

std::optional<Rgb> parse_colour(std::string_view text) {
  const auto wanted = lower_trimmed(text);
  if (auto hex = parse_hex(wanted)) return hex;
  for (const auto& named : named_colours()) {
    if (wanted == named.name) return named.rgb;
  }
  return std::nullopt;
}

std::string hex_colour(const Rgb& rgb) {
  char text[8];
  std::snprintf(text, sizeof text, "#%02x%02x%02x", rgb.r, rgb.g, rgb.b);
  return text;
}

std::string accepted_colours() {
  std::string names;
  for (const auto& named : named_colours()) names += (names.empty() ? "" : ", ") + std::string(named.name);
  return "#rrggbb or a colour name (" + names + ")";
}

}  // namespace backdrop
