#include "core/store/project.h"

#include "core/store/schema.h"

namespace backdrop {

std::filesystem::path project_cache_dir(const std::filesystem::path& project_file) {
  auto dir = project_file;
  dir += "-cache";
  return dir;
}

std::filesystem::path Project::cache_dir() const { return project_cache_dir(file()); }

Project Project::create(const std::filesystem::path& file) {
  auto database = std::make_unique<Database>(file, Database::Mode::create_new);
  try {
    migrate_schema(*database);
    PlacementRepository(*database).seed_defaults_if_empty();
  } catch (...) {
    database.reset();
    remove_database_files(file);  // no half-initialised project is left behind
    throw;
  }
  return Project(std::move(database));
}

Project Project::open(const std::filesystem::path& file) {
  auto database = std::make_unique<Database>(file, Database::Mode::open_existing);
  migrate_schema(*database);
  PlacementRepository(*database).seed_defaults_if_empty();  // projects made before placements were seeded
  return Project(std::move(database));
}

}  // namespace backdrop
