#pragma once
// The background colours planning gives each product's variants, from the colour specs the user
// chose (imaging/colour_spec.h). A palette spec is resolved per product here, once, from the
// product's photo and its saved mask, so every variant key holds the "#rrggbb" it is painted
// with and a worker on another machine needs no palette of its own.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/imaging/colour_spec.h"

namespace backdrop {

struct StoredProduct;

class PlannedColours {
 public:
  // Throws std::invalid_argument naming a spec that is none of the accepted forms, or an empty list.
  PlannedColours(const std::vector<std::string>& specs, std::filesystem::path cache_dir);

  // "#rrggbb" per colour, "" for no colour; in the order of the specs, each colour once. The
  // palette is read from the mask the renderer places the product by (its saved mask, else the
  // plain-background cut). Throws ImageError naming the product's photo when that fails.
  const std::vector<std::string>& for_product(const StoredProduct& product);

 private:
  std::vector<std::string> resolve(const StoredProduct& product) const;
  bool needs_palette() const;

  std::vector<imaging::ColourSpec> specs_;
  std::filesystem::path cache_dir_;
  std::map<std::string, std::vector<std::string>> by_product_;
};

}  // namespace backdrop
