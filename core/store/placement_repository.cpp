#include "core/store/placement_repository.h"

#include "core/imaging/placement.h"
#include "core/store/sqlite_database.h"
#include "core/store/store_error.h"

namespace backdrop {
namespace {

constexpr const char* kSelect = "SELECT id, name, width, height, x, y, scale FROM placements ";

std::optional<double> optional_double(const Statement& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return row.column_double(column);
}

Placement read_placement(const Statement& row) {
  return {row.column_int64(0),
          row.column_text(1),
          static_cast<int>(row.column_int64(2)),
          static_cast<int>(row.column_int64(3)),
          {optional_double(row, 4), optional_double(row, 5), optional_double(row, 6)}};
}

void check_placement(const Placement& placement) {
  const auto fail = [&](const std::string& problem) {
    throw StoreError("placement '" + placement.name + "': " + problem);
  };
  if (placement.name.empty()) throw StoreError("placement: the name is empty");
  if (placement.width < 16 || placement.height < 16) {
    fail("size " + std::to_string(placement.width) + "x" + std::to_string(placement.height) +
         ": canvases must be at least 16x16 pixels");
  }
  if (const auto problem = imaging::position_problem(placement.position)) fail(*problem);
}

}  // namespace

imaging::Placement layout_placement(const Placement& placement) {
  return {placement.name, placement.width, placement.height, placement.position};
}

int64_t PlacementRepository::save(const Placement& placement) {
  check_placement(placement);
  Statement upsert(database_,
                   "INSERT INTO placements (name, width, height, x, y, scale) VALUES (?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (name) DO UPDATE SET width = excluded.width, height = excluded.height, "
                   "x = excluded.x, y = excluded.y, scale = excluded.scale");
  const auto& position = placement.position;
  upsert.bind_all(placement.name, placement.width, placement.height, position.x, position.y, position.scale);
  upsert.run();
  return find(placement.name)->id;
}

void PlacementRepository::remove(const std::string& name) {
  if (!find(name)) throw StoreError("placement '" + name + "': no such placement in this project");
  if (list().size() == 1) throw StoreError("placement '" + name + "': the project's last placement cannot be removed");
  Statement erase(database_, "DELETE FROM placements WHERE name = ?");
  erase.bind_all(name);
  erase.run();
}

void PlacementRepository::seed_defaults_if_empty() {
  if (!list().empty()) return;
  for (const auto& layout : imaging::default_placements()) {
    Placement placement;
    placement.name = layout.id;
    placement.width = layout.width;
    placement.height = layout.height;
    save(placement);
  }
}

std::optional<Placement> PlacementRepository::find(const std::string& name) {
  Statement select(database_, std::string(kSelect) + "WHERE name = ?");
  select.bind_all(name);
  if (!select.step()) return std::nullopt;
  return read_placement(select);
}

std::vector<Placement> PlacementRepository::list() {
  Statement select(database_, std::string(kSelect) + "ORDER BY id");
  return read_all(select, read_placement);
}

}  // namespace backdrop
