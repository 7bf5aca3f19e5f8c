#include "core/export/bundle_plan.h"

#include <algorithm>
#include <set>
#include <variant>

#include <nlohmann/json.hpp>

#include "core/export/category_logs.h"
#include "core/generation/variant_inputs.h"
#include "core/store/project.h"

namespace backdrop::exporting {
namespace {

using bandit::FeatureSource;

// The better of two approved variants for the same slot: more stars, then the newer one.
bool preferred(const StoredVariant& candidate, const StoredVariant& current) {
  const int candidate_stars = candidate.stars.value_or(0), current_stars = current.stars.value_or(0);
  if (candidate_stars != current_stars) return candidate_stars > current_stars;
  return candidate.id > current.id;
}

std::optional<std::string> placement_of(const StoredVariant& variant) {
  try {
    auto name = variant_inputs_from_json(nlohmann::json::parse(variant.inputs_json)).placement.name;
    if (name.empty()) return std::nullopt;
    return name;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

// A stored priors version's priors; throws naming the category when they do not load.
bandit::BanditPriors stored_priors(const PriorsVersion& version) {
  return bandit::priors_from_json(nlohmann::json::parse(version.priors_json), "priors of '" + version.category + "'");
}

// The category's newest priors version when it fits the arms (same ids in any order, or the same
// count, taken in order); otherwise uninformed priors over `schema`.
std::pair<bandit::BanditPriors, std::string> choose_priors(Project& project, const std::string& category,
                                                           const std::vector<BundleArm>& arms,
                                                           const bandit::FeatureSchema& schema) {
  const auto uninformed = [&](const std::string& why) {
    auto priors = bandit::uninformed_priors(schema, static_cast<int>(arms.size()));
    for (std::size_t k = 0; k < arms.size(); ++k) priors.arms[k].id = arms[k].id;
    return std::pair{std::move(priors), "uninformed (" + why + ")"};
  };
  const auto version = project.priors().latest(category);
  if (!version) return uninformed("no priors for '" + category + "' in the project");
  bandit::BanditPriors stored;
  try {
    stored = stored_priors(*version);
  } catch (const std::exception& error) {
    return uninformed(std::string("the project's priors do not load: ") + error.what());
  }
  if (stored.arms.size() != arms.size()) {
    return uninformed("the project's priors have " + std::to_string(stored.arms.size()) + " arms, the approved set " +
                      std::to_string(arms.size()));
  }
  bandit::BanditPriors chosen{stored.schema, {}};
  for (const auto& arm : arms) {
    const auto it =
        std::find_if(stored.arms.begin(), stored.arms.end(), [&](const auto& prior) { return prior.id == arm.id; });
    if (it == stored.arms.end()) break;
    chosen.arms.push_back(*it);
  }
  if (chosen.arms.size() != arms.size()) {
    chosen.arms = stored.arms;  // ids of another naming ("0", "1" ...): the set's order
    for (std::size_t k = 0; k < arms.size(); ++k) chosen.arms[k].id = arms[k].id;
  }
  return {std::move(chosen), describe(*version)};
}

// The products' categories, read once.
struct Catalogue {
  explicit Catalogue(Project& project) {
    for (const auto& product : project.products().list()) {
      category_of[product.external_id] = product.category;
      ++products_per_category[product.category];
    }
    for (const auto& mask : project.masks().held_back()) held_back.insert(mask.product);
  }
  std::map<std::string, std::string> category_of;  // product external id -> category
  std::set<std::string> held_back;                 // products whose mask needs attention
  std::map<std::string, int64_t> products_per_category;
};

// Where a variant would ship: one image per category, product, arm and placement.
struct Slot {
  std::string category, product, arm_id, placement;
  auto operator<=>(const Slot&) const = default;
};

std::vector<BundleArm> arms_of(const PromptSet& set) {
  std::vector<BundleArm> arms;
  for (const auto& prompt : set.prompts) {
    arms.push_back({arm_id_of(prompt.id), prompt.id, prompt.prompt, prompt.negative_prompt});
  }
  return arms;
}

// The categories whose newest approved prompt set gives the arms; the others go to
// plan.categories_left_out.
std::map<std::string, CategoryPlan> categories_with_approved_sets(Project& project, const Catalogue& catalogue,
                                                                  BundlePlan& plan) {
  std::map<std::string, CategoryPlan> categories;
  for (const auto& [name, count] : catalogue.products_per_category) {
    const auto set = project.prompts().latest_approved(name);
    if (!set || set->prompts.empty()) {
      plan.categories_left_out[name] = "no approved prompt set";
      continue;
    }
    auto& category = categories[name];
    category.category = name;
    category.prompt_set_id = set->id;
    category.prompt_set_version = set->version;
    category.arms = arms_of(*set);
  }
  return categories;
}

// The slot the variant may ship in, or the reason it does not ship.
std::variant<Slot, const char*> slot_of(Project& project, const StoredVariant& variant, const Catalogue& catalogue,
                                        const std::map<std::string, CategoryPlan>& categories) {
  switch (variant.status) {
    case VariantStatus::generated:
      return kExcludedUnreviewed;
    case VariantStatus::flagged:
      return kExcludedFlagged;
    case VariantStatus::rejected:
      return kExcludedRejected;
    case VariantStatus::approved:
      break;
  }
  const auto product_category = catalogue.category_of.find(variant.product_external_id);
  if (product_category == catalogue.category_of.end()) return kExcludedUnknownProduct;
  if (catalogue.held_back.contains(variant.product_external_id)) return kExcludedMaskNeedsAttention;
  const auto category = categories.find(product_category->second);
  if (category == categories.end()) return kExcludedNoApprovedPromptSet;
  const auto& arms = category->second.arms;
  const auto is_the_prompt = [&](const BundleArm& arm) { return arm.prompt_id == variant.prompt_id; };
  if (!variant.prompt_id || std::none_of(arms.begin(), arms.end(), is_the_prompt)) return kExcludedPromptNotApproved;
  auto placement = placement_of(variant);
  if (!placement) return kExcludedBadInputs;
  if (!std::filesystem::is_regular_file(project.cache_dir() / variant.image_path)) return kExcludedMissingImage;
  return Slot{category->first, variant.product_external_id, arm_id_of(*variant.prompt_id), std::move(*placement)};
}

std::vector<std::string> placement_names(Project& project, const std::vector<StoredVariant>& variants) {
  std::set<std::string> names;
  for (const auto& placement : project.placements().list()) names.insert(placement.name);
  for (const auto& variant : variants) {
    if (variant.status != VariantStatus::approved) continue;
    if (auto name = placement_of(variant)) names.insert(*name);
  }
  return {names.begin(), names.end()};
}

// An experiment of a category that does not ship would silently not run.
void check_experiments_ship(const experiment::ExperimentPlan& experiments, const BundlePlan& plan) {
  for (const auto& experiment : experiments.experiments) {
    if (experiment.category == experiment::kEveryCategory) continue;
    const auto ships = std::any_of(plan.categories.begin(), plan.categories.end(), [&](const CategoryPlan& category) {
      return category.category == experiment.category;
    });
    if (ships) continue;
    const auto left_out = plan.categories_left_out.find(experiment.category);
    throw BundleError("experiment '" + experiment.id + "': category '" + experiment.category + "' does not ship (" +
                      (left_out == plan.categories_left_out.end() ? "not in the catalogue" : left_out->second) + ")");
  }
}

}  // namespace

void validate(const BundleOptions& options) {
  if (options.image_format != "jpeg" && options.image_format != "webp") {
    throw BundleError("image format '" + options.image_format + "': expected jpeg or webp");
  }
  if (options.image_quality < 1 || options.image_quality > 100) {
    throw BundleError("image quality " + std::to_string(options.image_quality) + ": expected 1..100");
  }
  if (!(options.policy.alpha >= 0)) throw BundleError("policy alpha must be >= 0");
  if (!(options.policy.epsilon >= 0 && options.policy.epsilon <= 1))
    throw BundleError("policy epsilon must be in [0, 1]");
  if (!(options.policy.latency_budget_ms > 0)) throw BundleError("policy latency budget must be > 0 ms");
  if (options.policy.policy != "linucb") throw BundleError("policy '" + options.policy.policy + "': expected linucb");
}

bandit::FeatureSchema default_feature_schema(const std::vector<std::string>& placements) {
  return bandit::FeatureSchema(
      {bandit::one_hot_feature("device", FeatureSource::user, {"desktop", "mobile", "tablet"}, false),
       bandit::one_hot_feature("segment", FeatureSource::user, {"new", "returning"}, false),
       bandit::one_hot_feature("placement", FeatureSource::placement, placements, false)});
}

int64_t BundlePlan::image_count() const {
  int64_t count = 0;
  for (const auto& category : categories) count += static_cast<int64_t>(category.images.size());
  return count;
}

std::string arm_id_of(int64_t prompt_id) {
  return "p" + std::to_string(prompt_id);
}

std::vector<BundleArm> approved_arms(Project& project, const std::string& category) {
  const auto set = project.prompts().latest_approved(category);
  return set ? arms_of(*set) : std::vector<BundleArm>{};
}

bandit::FeatureSchema category_feature_schema(Project& project, const std::string& category) {
  if (const auto version = project.priors().latest(category)) {
    try {
      return stored_priors(*version).schema;
    } catch (const std::exception&) {
      // Push ships uninformed priors over the default schema then (choose_priors says why).
    }
  }
  return default_feature_schema(placement_names(project, project.variants().list()));
}

BundlePlan plan_bundle(Project& project, const BundleOptions& options) {
  validate(options);
  const auto variants = project.variants().list();
  const auto schema =
      options.feature_schema ? *options.feature_schema : default_feature_schema(placement_names(project, variants));
  const Catalogue catalogue(project);

  BundlePlan plan;
  for (const auto& mask : project.masks().held_back()) plan.products_held_back[mask.product] = mask.reasons;
  auto categories = categories_with_approved_sets(project, catalogue, plan);

  // Each slot ships one variant: the preferred one of those that may ship there.
  std::map<Slot, const StoredVariant*> chosen;
  for (const auto& variant : variants) {
    const auto slot = slot_of(project, variant, catalogue, categories);
    if (const auto* reason = std::get_if<const char*>(&slot)) {
      ++plan.variants_excluded[*reason];
      continue;
    }
    auto& current = chosen[std::get<Slot>(slot)];
    if (current != nullptr) {
      ++plan.variants_excluded[kExcludedDuplicate];
      if (!preferred(variant, *current)) continue;
    }
    current = &variant;
  }

  std::map<std::string, std::set<std::string>> products_shipped;
  for (const auto& [slot, variant] : chosen) {
    auto& category = categories.at(slot.category);
    category.images.push_back({variant->id, slot.product, slot.arm_id, slot.placement, variant->image_path});
    ++category.images_per_placement[slot.placement];
    products_shipped[slot.category].insert(slot.product);
  }

  for (auto& [name, category] : categories) {
    if (category.images.empty()) {
      plan.categories_left_out[name] = "no approved images of the approved prompts";
      continue;
    }
    if (const auto* experiment = options.experiments.for_category(name)) category.experiment = *experiment;
    category.products_shipped = static_cast<int64_t>(products_shipped[name].size());
    category.products_left_out = catalogue.products_per_category.at(name) - category.products_shipped;
    std::tie(category.priors, category.priors_source) = choose_priors(project, name, category.arms, schema);
    plan.categories.push_back(std::move(category));
  }
  check_experiments_ship(options.experiments, plan);
  return plan;
}

}  // namespace backdrop::exporting
