#pragma once
// Placements: where and how large the product sits on the generated canvas.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/imaging/product_position.h"

namespace backdrop {
namespace imaging {
struct Placement;
}

class Database;

struct Placement {
  int64_t id = 0;
  std::string name;
  int width = 512;  // canvas size in pixels
  int height = 512;
  // The product's centre and size on this placement; unset parts follow the category's layout rule.
  imaging::ProductPosition position{};
};

// The placement as imaging puts a product on it (its name is imaging's id).
imaging::Placement layout_placement(const Placement& placement);

class PlacementRepository {
 public:
  explicit PlacementRepository(Database& database) : database_(database) {}
  // Adds a placement, or replaces the one with the same name; returns its row id. Throws
  // StoreError naming the field when the size, position or scale is out of range.
  int64_t save(const Placement& placement);
  // Removes a placement. Throws StoreError when no placement has that name, or when it is the
  // project's last one (a project generates for at least one placement).
  void remove(const std::string& name);
  // Adds the layout rules' default ad placements (imaging::default_placements()) when the project
  // has none: at creation, and when a project made before placements were seeded is opened.
  void seed_defaults_if_empty();
  std::optional<Placement> find(const std::string& name);
  std::vector<Placement> list();

 private:
  Database& database_;
};

}  // namespace backdrop
