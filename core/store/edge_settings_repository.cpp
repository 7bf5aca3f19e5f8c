#include "core/store/edge_settings_repository.h"

#include <cmath>

#include "core/store/product_repository.h"
#include "core/store/sqlite_database.h"
#include "core/store/store_error.h"

namespace backdrop {

std::optional<EdgeThresholds> EdgeSettingsRepository::find(const std::string& product) {
  Statement query(database_,
                  "SELECT e.low, e.high FROM edge_settings e JOIN products p ON p.id = e.product_id "
                  "WHERE p.external_id = ?");
  query.bind(1, product);
  if (!query.step()) return std::nullopt;
  return EdgeThresholds{query.column_double(0), query.column_double(1)};
}

void EdgeSettingsRepository::save(const std::string& product, const EdgeThresholds& thresholds) {
  const auto where = database_.file().string() + ": edge thresholds of '" + product + "'";
  if (!std::isfinite(thresholds.low) || !std::isfinite(thresholds.high) || thresholds.low < 0 ||
      thresholds.low > thresholds.high) {
    throw StoreError(where + ": expected 0 <= low <= high, got low " + std::to_string(thresholds.low) + ", high " +
                     std::to_string(thresholds.high));
  }
  const auto row = ProductRepository(database_).row_id(product);
  if (!row) throw StoreError(where + ": the product is not in the catalogue");
  Statement upsert(database_,
                   "INSERT INTO edge_settings (product_id, low, high) VALUES (?, ?, ?) "
                   "ON CONFLICT (product_id) DO UPDATE SET low = excluded.low, high = excluded.high");
  upsert.bind_all(*row, thresholds.low, thresholds.high);
  upsert.run();
}

}  // namespace backdrop
