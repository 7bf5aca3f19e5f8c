#include "core/imaging/layout_rules.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/data_files.h"
#include "core/imaging/image_error.h"

namespace backdrop::imaging {
namespace {

using nlohmann::json;

double fraction(const json& object, const char* key, double fallback, double low, double high,
                const std::string& where) {
  if (!object.contains(key)) return fallback;
  if (!object[key].is_number()) throw ImageError(where + "." + key + ": expected a number");
  const double value = object[key].get<double>();
  if (value < low || value > high) {
    throw ImageError(where + "." + key + ": " + std::to_string(value) + " is outside [" + std::to_string(low) +
                     ", " + std::to_string(high) + "]");
  }
  return value;
}

LayoutRule parse_rule(const json& object, LayoutRule rule, const std::string& where) {
  if (!object.is_object()) throw ImageError(where + ": expected an object");
  rule.fill = fraction(object, "fill", rule.fill, 0.05, 1.0, where);
  rule.floor_line = fraction(object, "floor_line", rule.floor_line, 0.1, 1.0, where);
  rule.margin = fraction(object, "margin", rule.margin, 0.0, 0.45, where);
  rule.max_upscale = fraction(object, "max_upscale", rule.max_upscale, 1.0, 16.0, where);
  if (object.contains("anchor")) {
    const auto anchor = object["anchor"].is_string() ? object["anchor"].get<std::string>() : "";
    if (anchor == "center") {
      rule.anchor = Anchor::Center;
    } else if (anchor == "floor") {
      rule.anchor = Anchor::Floor;
    } else {
      throw ImageError(where + ".anchor: expected \"center\" or \"floor\"");
    }
  }
  return rule;
}

}  // namespace

const LayoutRule& LayoutRules::for_category(const std::string& category) const {
  const auto found = categories.find(category);
  return found != categories.end() ? found->second : defaults;
}

LayoutRules parse_layout_rules(const std::string& json_text, const std::string& source) {
  json document;
  try {
    document = json::parse(json_text);
  } catch (const json::exception& error) {
    throw ImageError(source + ": not valid JSON: " + error.what());
  }
  if (!document.is_object()) throw ImageError(source + ": expected a JSON object");
  LayoutRules rules;
  if (document.contains("default")) rules.defaults = parse_rule(document["default"], {}, source + ": default");
  if (document.contains("categories")) {
    if (!document["categories"].is_object()) throw ImageError(source + ": categories: expected an object");
    for (const auto& [category, rule] : document["categories"].items()) {
      rules.categories[category] = parse_rule(rule, rules.defaults, source + ": categories." + category);
    }
  }
  return rules;
}

LayoutRules load_layout_rules(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw ImageError(path.string() + ": cannot open the layout rules");
  std::stringstream text;
  text << in.rdbuf();
  return parse_layout_rules(text.str(), path.string());
}

std::optional<std::filesystem::path> find_default_layout_rules() {
  return find_data_file("layouts/default.json", "BACKDROP_LAYOUTS");
}

LayoutRules installed_layout_rules() {
  const auto file = find_default_layout_rules();
  return file ? load_layout_rules(*file) : LayoutRules{};
}

json to_json(const LayoutRule& rule) {
  return {{"fill", rule.fill},
          {"anchor", rule.anchor == Anchor::Floor ? "floor" : "center"},
          {"floor_line", rule.floor_line},
          {"margin", rule.margin},
          {"max_upscale", rule.max_upscale}};
}

LayoutRule layout_rule_from_json(const json& object, const std::string& where) {
  return parse_rule(object, {}, where);
}

}  // namespace backdrop::imaging
