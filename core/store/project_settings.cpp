#include "core/store/project_settings.h"

#include "core/store/sqlite_database.h"

namespace backdrop {

std::optional<std::string> ProjectSettings::get(const std::string& key) {
  Statement select(database_, "SELECT value FROM project_settings WHERE key = ?");
  select.bind_all(key);
  if (!select.step()) return std::nullopt;
  return select.column_text(0);
}

void ProjectSettings::set(const std::string& key, const std::string& value) {
  Statement upsert(database_,
                   "INSERT INTO project_settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO "
                   "UPDATE SET value = excluded.value, updated_at = excluded.updated_at");
  upsert.bind_all(key, value, utc_timestamp());
  upsert.run();
}

void ProjectSettings::erase(const std::string& key) {
  Statement remove(database_, "DELETE FROM project_settings WHERE key = ?");
  remove.bind_all(key);
  remove.run();
}

std::map<std::string, std::string> ProjectSettings::with_prefix(const std::string& prefix) {
  // substr rather than LIKE, so that '_' and '%' in a prefix are taken literally.
  Statement select(database_, "SELECT key, value FROM project_settings WHERE substr(key, 1, ?) = ? ORDER BY key");
  select.bind_all(static_cast<int64_t>(prefix.size()), prefix);
  std::map<std::string, std::string> values;
  while (select.step()) values.emplace(select.column_text(0), select.column_text(1));
  return values;
}

}  // namespace backdrop
