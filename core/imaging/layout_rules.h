#pragma once
// Per-category rules for where a product sits on an ad canvas, read from JSON
// (resources/layouts/default.json holds the defaults).

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace backdrop::imaging {

enum class Anchor { Center, Floor };

struct LayoutRule {
  double fill = 0.78;          // share of the usable canvas the product's box takes (limiting side)
  Anchor anchor = Anchor::Center;
  double floor_line = 0.85;    // Floor anchor: product bottom at this share of the canvas height
  double margin = 0.06;        // share of each canvas side kept free
  double max_upscale = 2.0;    // enlargement beyond this is refused with a warning

  bool operator==(const LayoutRule&) const = default;
};

struct LayoutRules {
  LayoutRule defaults;
  std::map<std::string, LayoutRule> categories;

  // The category's rule, or the defaults for an unknown category.
  const LayoutRule& for_category(const std::string& category) const;
};

// JSON: {"default": {...}, "categories": {"footwear": {...}}}; a category rule starts from the
// defaults. Throws ImageError naming `source` and the key on bad values.
LayoutRules parse_layout_rules(const std::string& json_text, const std::string& source);
LayoutRules load_layout_rules(const std::filesystem::path& path);

// Where the installed rules are: $BACKDROP_LAYOUTS, else layouts/default.json in Backdrop's data
// folder (core/common/data_files.h: $BACKDROP_DATA_DIR or share/backdrop beside the program's bin/).
// Empty when none exists.
std::optional<std::filesystem::path> find_default_layout_rules();

// The installed rules (find_default_layout_rules()), or the built-in defaults when none are
// installed. Throws ImageError naming the file when it cannot be read.
LayoutRules installed_layout_rules();

// One rule with every field, as a planned variant carries it; layout_rule_from_json reads it back
// (fields it lacks keep the defaults) and throws ImageError naming `where` and the key.
nlohmann::json to_json(const LayoutRule& rule);
LayoutRule layout_rule_from_json(const nlohmann::json& object, const std::string& where);

}  // namespace backdrop::imaging
