#pragma once
// Per-category rules for where a product sits on an ad canvas, read from JSON
// (resources/layouts/default.json holds the defaults).

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace backdrop::imaging {

enum class Anchor { Center, Floor };

struct LayoutRule {
  double fill = 0.78;          // share of the usable canvas the product's box takes (limiting side)
  Anchor anchor = Anchor::Center;
  double floor_line = 0.85;    // Floor anchor: product bottom at this share of the canvas height
  double margin = 0.06;        // share of each canvas side kept free
  double max_upscale = 2.0;    // enlargement beyond this is refused with a warning
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

}  // namespace backdrop::imaging
