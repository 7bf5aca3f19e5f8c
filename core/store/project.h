#pragma once
// A Backdrop project: one SQLite file (*.backdrop) holding the catalogue, prompts, variants and
// their review, versioned bandit priors, exports, generation jobs, mask verdicts, edge thresholds and the project's
// settings. Images live beside it in the cache folder (`<file>-cache/`), addressed by their variant keys.
//
//   auto project = Project::create("shop.backdrop");
//   project.products().upsert(...);
//   for (const auto& v : project.variants().list()) ...

#include <filesystem>
#include <memory>

#include "core/store/edge_settings_repository.h"
#include "core/store/export_repository.h"
#include "core/store/mask_repository.h"
#include "core/store/placement_repository.h"
#include "core/store/priors_repository.h"
#include "core/store/product_repository.h"
#include "core/store/project_settings.h"
#include "core/store/prompt_repository.h"
#include "core/store/review_log.h"
#include "core/store/sqlite_database.h"
#include "core/store/variant_repository.h"

namespace backdrop {

class Project {
 public:
  // Creates a new project file at the latest schema version; fails when the file exists.
  static Project create(const std::filesystem::path& file);
  // Opens an existing project and migrates it to the latest schema version.
  static Project open(const std::filesystem::path& file);

  Project(Project&&) noexcept = default;
  Project& operator=(Project&&) noexcept = default;
  ~Project() = default;

  const std::filesystem::path& file() const { return database_->file(); }
  std::filesystem::path cache_dir() const;
  int schema_version() { return database_->user_version(); }
  Database& database() { return *database_; }

  ProductRepository products() { return ProductRepository(*database_); }
  PlacementRepository placements() { return PlacementRepository(*database_); }
  PromptRepository prompts() { return PromptRepository(*database_); }
  VariantRepository variants() { return VariantRepository(*database_); }
  ReviewLog review_log() { return ReviewLog(*database_); }
  PriorsRepository priors() { return PriorsRepository(*database_); }
  ExportRepository exports() { return ExportRepository(*database_); }
  MaskRepository masks() { return MaskRepository(*database_); }
  ProjectSettings settings() { return ProjectSettings(*database_); }
  EdgeSettingsRepository edge_settings() { return EdgeSettingsRepository(*database_); }

 private:
  explicit Project(std::unique_ptr<Database> database) : database_(std::move(database)) {}
  std::unique_ptr<Database> database_;
};

// The cache folder that belongs to a project file: "shop.backdrop" -> "shop.backdrop-cache".
std::filesystem::path project_cache_dir(const std::filesystem::path& project_file);

}  // namespace backdrop
