#include "core/store/project_settings.h"

#include <cstdio>
#include <stdexcept>

#include "core/store/sqlite_database.h"
#include "core/store/store_error.h"

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

std::optional<double> ProjectSettings::get_number(const std::string& key) {
  const auto text = get(key);
  if (!text) return std::nullopt;
  try {
    return parse_setting_number(*text);
  } catch (const std::exception& error) {
    throw StoreError(database_.file().string() + ": project setting " + key + " '" + *text + "': not a number");
  }
}

void ProjectSettings::set_number(const std::string& key, double value) {
  set(key, setting_number_text(value));
}

double parse_setting_number(const std::string& text) {
  size_t used = 0;
  const double value = std::stod(text, &used);  // throws std::invalid_argument for no number at all
  if (used != text.size()) throw std::invalid_argument("not a number");
  return value;
}

std::string setting_number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", value);
  return text;
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
