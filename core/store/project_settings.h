#pragma once
// The project's own settings, as text under dotted keys ("segmentation.preset" ...). The values'
// meaning belongs to their readers (core/preparation/project_segmentation.h for segmentation); this
// store only keeps them with the project, so every front-end reads the same values.

#include <map>
#include <optional>
#include <string>

namespace backdrop {

class Database;

class ProjectSettings {
 public:
  explicit ProjectSettings(Database& database) : database_(database) {}

  std::optional<std::string> get(const std::string& key);
  // Sets or replaces one value.
  void set(const std::string& key, const std::string& value);
  // A number stored under `key`; StoreError naming the project file and the key when it is not one.
  std::optional<double> get_number(const std::string& key);
  // Stored so that every value typed by a person reads back the same.
  void set_number(const std::string& key, double value);
  void erase(const std::string& key);
  // Every key starting with `prefix`, by key.
  std::map<std::string, std::string> with_prefix(const std::string& prefix);

 private:
  Database& database_;
};

// The whole text as a number; std::invalid_argument otherwise ("0.5x", "").
double parse_setting_number(const std::string& text);
std::string setting_number_text(double value);

}  // namespace backdrop
