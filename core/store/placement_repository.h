#pragma once
// Placements: where and how large the product sits on the generated canvas.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace backdrop {

class Database;

struct Placement {
  int64_t id = 0;
  std::string name;
  int width = 512;   // canvas size in pixels
  int height = 512;
  double x = 0.5;    // product centre, as a fraction of the canvas
  double y = 0.5;
  double scale = 0.6;  // product height as a fraction of the canvas height
};

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
