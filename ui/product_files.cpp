#include "ui/product_files.h"

#include "core/store/sqlite_database.h"

namespace backdrop::ui {
namespace {

// Created on first use, so project files made by the CLI need no migration for it.
void ensure_table(Database& database) {
  database.exec(
      "CREATE TABLE IF NOT EXISTS studio_edge_settings ("
      " product_external_id TEXT PRIMARY KEY, low REAL NOT NULL, high REAL NOT NULL)",
      "create studio_edge_settings");
}

}  // namespace

std::optional<CannyThresholds> load_canny_thresholds(Database& database, const std::string& product_id) {
  ensure_table(database);
  Statement query(database, "SELECT low, high FROM studio_edge_settings WHERE product_external_id = ?");
  query.bind(1, product_id);
  if (!query.step()) return std::nullopt;
  return CannyThresholds{query.column_double(0), query.column_double(1)};
}

void save_canny_thresholds(Database& database, const std::string& product_id, const CannyThresholds& thresholds) {
  ensure_table(database);
  Statement upsert(database,
                   "INSERT INTO studio_edge_settings (product_external_id, low, high) VALUES (?, ?, ?) "
                   "ON CONFLICT (product_external_id) DO UPDATE SET low = excluded.low, high = excluded.high");
  upsert.bind_all(product_id, thresholds.low, thresholds.high);
  upsert.run();
}

}  // namespace backdrop::ui
