#include "core/store/bandit_repository.h"

#include "core/store/sqlite_database.h"

namespace backdrop {

void BanditRepository::save(const BanditRecord& record) {
  Statement upsert(database_,
                   "INSERT INTO bandit_states (name, policy, priors_json, state, updated_at) VALUES (?, ?, ?, ?, ?) "
                   "ON CONFLICT (name) DO UPDATE SET policy = excluded.policy, priors_json = excluded.priors_json, "
                   "state = excluded.state, updated_at = excluded.updated_at");
  upsert.bind_all(record.name, record.policy, record.priors_json);
  upsert.bind_blob(4, record.state).bind(5, utc_timestamp());
  upsert.run();
}

std::optional<BanditRecord> BanditRepository::load(const std::string& name) {
  Statement select(database_, "SELECT name, policy, priors_json, state, updated_at FROM bandit_states WHERE name = ?");
  select.bind_all(name);
  if (!select.step()) return std::nullopt;
  return BanditRecord{select.column_text(0), select.column_text(1), select.column_text(2), select.column_blob(3),
                      select.column_text(4)};
}

std::vector<std::string> BanditRepository::names() {
  Statement select(database_, "SELECT name FROM bandit_states ORDER BY name");
  std::vector<std::string> names;
  while (select.step()) names.push_back(select.column_text(0));
  return names;
}

}  // namespace backdrop
