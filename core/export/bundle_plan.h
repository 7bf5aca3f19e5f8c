#pragma once
// What a push bundle of a project will hold, computed from the store without writing anything:
// the push dialog and `backdrop push --dry-run` show it, build_bundle() then writes exactly it.
//
// Per category: the arms are the prompts of the category's newest APPROVED prompt set; a product
// ships the approved variants whose prompt is one of those arms, one image per (arm, placement).
// Flagged, rejected and unreviewed variants never ship, nor do those of products whose mask needs
// attention. Every variant left out is counted under its reason; categories with nothing to ship
// are left out with theirs. A category runs the experiment of the options' plan that names it (or
// "*"); its groups' own images (original, white, previous-bundle) are made by build_bundle().

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/bandit/feature_schema.h"
#include "core/export/bundle.h"

namespace backdrop {
class Project;
}

namespace backdrop::exporting {

struct BundleOptions {
  std::string image_format = "jpeg";  // "jpeg" or "webp"
  int image_quality = 90;             // 1..100, the encoder's quality
  PolicySettings policy;
  // The context features of categories whose priors are not taken from the project; empty:
  // default_feature_schema() over the project's placements.
  std::optional<bandit::FeatureSchema> feature_schema;
  // Online experiments by category (core/experiment/experiment_plan.h); none when empty. Every
  // category an experiment names must ship.
  experiment::ExperimentPlan experiments;
  // The folder holding earlier bundle versions (<target>/versions), where previous-bundle groups
  // take their images from; publish() sets it to its target's.
  std::filesystem::path previous_versions;
};

// Throws BundleError naming the option when it is out of range.
void validate(const BundleOptions& options);

// The features the serving side encodes when nothing else is known: the user's device
// (desktop, mobile, tablet) and segment (new, returning), and the placement, each one-hot with
// every level kept (so the columns of each feature sum to one and act as intercepts).
bandit::FeatureSchema default_feature_schema(const std::vector<std::string>& placements);

struct PlannedImage {
  int64_t variant_id = 0;
  std::string product;     // external id
  std::string arm_id;      // "p<prompt id>"
  std::string placement;   // the placement's name
  std::string cache_path;  // relative to the project's cache folder
};

struct CategoryPlan {
  std::string category;
  int64_t prompt_set_id = 0;
  int prompt_set_version = 0;
  std::vector<BundleArm> arms;
  std::vector<PlannedImage> images;
  std::map<std::string, int64_t> images_per_placement;
  int64_t products_shipped = 0;
  int64_t products_left_out = 0;                     // products of the category without any image that ships
  bandit::BanditPriors priors;                       // arm ids set to the arms'
  std::string priors_source;                         // describe(PriorsVersion) or "uninformed (<why>)"
  std::optional<experiment::Experiment> experiment;  // the category's, from BundleOptions::experiments
};

struct BundlePlan {
  std::vector<CategoryPlan> categories;                    // those that ship, by name
  std::map<std::string, std::string> categories_left_out;  // category -> why
  std::map<std::string, int64_t> variants_excluded;        // reason -> variants that do not ship
  // Products whose mask needs attention: none of their variants ship until a person accepts or
  // repaints the mask. Product -> the reasons.
  std::map<std::string, std::vector<std::string>> products_held_back;

  int64_t image_count() const;
};

// Reasons under which BundlePlan::variants_excluded counts variants.
inline constexpr const char* kExcludedUnreviewed = "unreviewed";
inline constexpr const char* kExcludedFlagged = "flagged";
inline constexpr const char* kExcludedRejected = "rejected";
inline constexpr const char* kExcludedNoApprovedPromptSet = "category without an approved prompt set";
inline constexpr const char* kExcludedPromptNotApproved = "prompt not in the approved prompt set";
inline constexpr const char* kExcludedUnknownProduct = "product not in the catalogue";
inline constexpr const char* kExcludedMaskNeedsAttention = "product mask needs attention";
inline constexpr const char* kExcludedBadInputs = "inputs without a placement";
inline constexpr const char* kExcludedMissingImage = "image missing from the cache";
inline constexpr const char* kExcludedDuplicate = "another approved variant for the same product, prompt and placement";

// Reads the project; writes nothing. Throws BundleError on invalid options.
BundlePlan plan_bundle(Project& project, const BundleOptions& options);

// "p<prompt id>": the arm id of a prompt, stable across bundles.
std::string arm_id_of(int64_t prompt_id);

// The arms a category ships: the prompts of its newest approved prompt set; empty when it has none.
std::vector<BundleArm> approved_arms(Project& project, const std::string& category);

// The features a category's contexts are encoded with: its newest priors' schema, else the default
// schema over the project's placements (what push ships when no --schema is given).
bandit::FeatureSchema category_feature_schema(Project& project, const std::string& category);

}  // namespace backdrop::exporting
