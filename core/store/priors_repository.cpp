#include "core/store/priors_repository.h"

#include <nlohmann/json.hpp>

#include "core/store/sqlite_database.h"

namespace backdrop {
namespace {

constexpr const char* kColumns =
    "SELECT id, category, version, priors_json, impressions, clicks, logs_json, created_by, created_at "
    "FROM category_priors ";

PriorsVersion read_version(const Statement& row) {
  PriorsVersion version;
  version.id = row.column_int64(0);
  version.category = row.column_text(1);
  version.version = static_cast<int>(row.column_int64(2));
  version.priors_json = row.column_text(3);
  version.impressions = row.column_int64(4);
  version.clicks = row.column_int64(5);
  version.logs = nlohmann::json::parse(row.column_text(6)).get<std::vector<std::string>>();
  version.created_by = row.column_text(7);
  version.created_at = row.column_text(8);
  return version;
}

}  // namespace

PriorsVersion PriorsRepository::add(const NewPriors& priors) {
  Transaction transaction(database_);
  Statement insert(database_,
                   "INSERT INTO category_priors (category, version, priors_json, impressions, clicks, logs_json, "
                   "created_by, created_at) SELECT ?1, COALESCE(MAX(version), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7 "
                   "FROM category_priors WHERE category = ?1");
  insert.bind_all(priors.category, priors.priors_json, priors.impressions, priors.clicks,
                  nlohmann::json(priors.logs).dump(), priors.created_by, utc_timestamp());
  insert.run();
  const int64_t id = database_.last_insert_rowid();
  Statement select(database_, std::string(kColumns) + "WHERE id = ?");
  select.bind_all(id).step();
  auto added = read_version(select);
  transaction.commit();
  return added;
}

std::optional<PriorsVersion> PriorsRepository::latest(const std::string& category) {
  Statement select(database_, std::string(kColumns) + "WHERE category = ? ORDER BY version DESC LIMIT 1");
  select.bind_all(category);
  if (!select.step()) return std::nullopt;
  return read_version(select);
}

std::vector<PriorsVersion> PriorsRepository::versions(const std::string& category) {
  Statement select(database_, std::string(kColumns) + "WHERE category = ? ORDER BY version");
  select.bind_all(category);
  std::vector<PriorsVersion> versions;
  while (select.step()) versions.push_back(read_version(select));
  return versions;
}

}  // namespace backdrop
