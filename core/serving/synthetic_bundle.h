#pragma once
// A synthetic category for tests, the load benchmark and trying backdrop-serve without a project:
// arms "p1".."pK", every product with an image of every arm at every placement, and a feature
// schema of N features cycling through the encodings (numeric user and product values, one-hot
// user segments, hashed placement slots), so a context means what a real one would.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/export/bundle.h"

namespace backdrop::serving {

struct SyntheticCategorySpec {
  std::string name = "shoes";
  int arms = 3;
  int features = 4;
  std::vector<std::string> products{"sku-1", "sku-2"};
  std::vector<std::string> placements{"home", "search"};
  // Designer prior CTR per arm at the mean context, worth `prior_pseudo_count` impressions;
  // empty: uninformed priors.
  std::vector<double> prior_ctr;
  double prior_pseudo_count = 100.0;
  exporting::PolicySettings policy;
  // An online experiment; its original, white and previous-bundle groups get one image per product
  // and placement, "images/<product>-<group>-<placement>.jpg" keyed by the group's kind (a
  // previous-bundle group's by "old-p1").
  std::optional<experiment::Experiment> experiment;
};

// A feature schema of `features` features named "<source>.f<i>".
bandit::FeatureSchema synthetic_schema(int features);

// Images are named "images/<product>-<arm>-<placement>.jpg" (the bundle on disk renames them).
exporting::CategoryBundle synthetic_category(const SyntheticCategorySpec& spec);

// Writes the category as a bundle folder (through exporting::BundleWriter, so load_bundle() reads
// it), each image a few distinct bytes. Returns the manifest as written.
exporting::BundleManifest write_synthetic_bundle(const std::filesystem::path& folder,
                                                 const SyntheticCategorySpec& spec);

// Publishes the category to a publish target the way exporting::publish() lays it out (that one
// builds from a project): written under versions/, renamed to versions/<version>, then CURRENT
// replaced by a rename. Returns the version.
std::string publish_synthetic_bundle(const std::filesystem::path& target, const SyntheticCategorySpec& spec);

// A context with every feature of `schema`, the values drawn from `seed`.
nlohmann::json synthetic_context(const bandit::FeatureSchema& schema, uint64_t seed);

}  // namespace backdrop::serving
