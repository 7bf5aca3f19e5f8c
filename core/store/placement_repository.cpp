#include "core/store/placement_repository.h"

#include "core/store/sqlite_database.h"

namespace backdrop {
namespace {

constexpr const char* kSelect = "SELECT id, name, width, height, x, y, scale FROM placements ";

Placement read_placement(const Statement& row) {
  return {row.column_int64(0),
          row.column_text(1),
          static_cast<int>(row.column_int64(2)),
          static_cast<int>(row.column_int64(3)),
          row.column_double(4),
          row.column_double(5),
          row.column_double(6)};
}

}  // namespace

int64_t PlacementRepository::save(const Placement& placement) {
  Statement upsert(database_,
                   "INSERT INTO placements (name, width, height, x, y, scale) VALUES (?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (name) DO UPDATE SET width = excluded.width, height = excluded.height, "
                   "x = excluded.x, y = excluded.y, scale = excluded.scale");
  upsert.bind_all(placement.name, placement.width, placement.height, placement.x, placement.y, placement.scale);
  upsert.run();
  return find(placement.name)->id;
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
