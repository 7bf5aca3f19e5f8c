#pragma once
// A push bundle: what production serves, as it is held in memory once loaded and verified.
//
// On disk a bundle is one folder named by its version (and a .tar of that folder):
//
//   <version>/manifest.json              format tag, schema version, version, project, created at,
//                                        engine version, image format/quality, the categories and
//                                        the path, size and SHA-256 of every other file
//   <version>/categories/<slug>.json     per category: the arms (approved prompts), which image each
//                                        product has for each arm and placement, the feature schema,
//                                        the bandit priors and the policy settings
//                                        and, when the category runs an online experiment, the
//                                        experiment (core/experiment/experiment_plan.h) and the
//                                        images of its groups that are not arms
//   <version>/images/<sha256>.<jpg|webp> approved images (and experiment groups' images), named by
//                                        the hash of their bytes so a CDN can cache them forever
//
// The JSON Schemas of manifest.json and the category files are in resources/schemas/. Every path
// inside a bundle is relative, uses '/', and can never leave the bundle's folder.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/bandit/priors.h"
#include "core/experiment/experiment_plan.h"

namespace backdrop::exporting {

inline constexpr const char* kBundleFormat = "backdrop.bundle";
inline constexpr int kBundleSchemaVersion = 1;
inline constexpr const char* kCategoryFormat = "backdrop.bundle.category";

// A bundle that cannot be read, verified, built or published; the message names the file and the
// key or step that failed.
class BundleError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct BundleFile {
  std::string path;  // relative to the bundle folder, '/'-separated
  std::string sha256;
  uint64_t bytes = 0;
};

// One arm of a category's bandit: an approved prompt of the category's approved prompt set.
struct BundleArm {
  std::string id;  // stable across bundles: "p<prompt id>"
  int64_t prompt_id = 0;
  std::string prompt;
  std::string negative_prompt;
};

// How the serving side decides. LinUCB picks the arm with the best upper confidence bound among
// the arms the product has an image for at the placement; with probability `epsilon` it picks
// uniformly among them instead, so every shown arm has a known, non-zero propensity.
struct PolicySettings {
  std::string policy = "linucb";
  double alpha = 1.0;              // UCB width
  double epsilon = 0.05;           // uniform exploration
  bool online_learning = true;     // update the arms from feedback while serving
  double latency_budget_ms = 2.0;  // per decision; past it the best arm by the priors' means wins
};

// product external id -> image key (an arm id) -> placement name -> image path (relative to the bundle)
using ProductImages = std::map<std::string, std::map<std::string, std::map<std::string, std::string>>>;

struct CategoryBundle {
  std::string category;
  std::vector<BundleArm> arms;  // arm index = position, the same order as priors.arms
  ProductImages images;         // keyed by arm id
  bandit::BanditPriors priors;  // its schema is the category's feature schema
  // Where the priors come from, in words: "version 2: 12,400 impressions, 870 clicks, 2026-12-03,
  // by ana" or "uninformed (<why>)"; empty in bundles written before it was recorded.
  std::string priors_source;
  PolicySettings policy;
  // The category's online experiment, if it runs one.
  std::optional<experiment::Experiment> experiment;
  // The images of the experiment's groups that do not show arms, by group name: original and white
  // groups key their one image per product and placement by the group kind ("original", "white");
  // a previous-bundle group keys the earlier version's images by that version's arm ids.
  std::map<std::string, ProductImages> group_images;
};

struct BundleManifest {
  std::string format = kBundleFormat;
  int schema_version = kBundleSchemaVersion;
  std::string version;     // sortable: "20261126T014500Z-<first 8 hex of the content hash>"
  std::string project;     // the project file's name (no folders)
  std::string created_at;  // ISO 8601 UTC
  std::string engine_version;
  std::string image_format;  // "jpeg" or "webp"
  int image_quality = 90;
  std::map<std::string, std::string> categories;  // category -> its file, e.g. "categories/apparel.json"
  std::vector<BundleFile> files;                  // every file but manifest.json
};

struct Bundle {
  std::filesystem::path root;  // the bundle's folder
  BundleManifest manifest;
  std::map<std::string, CategoryBundle> categories;
};

}  // namespace backdrop::exporting
