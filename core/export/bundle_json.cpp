#include "core/export/bundle_json.h"

#include <cmath>
#include <set>

#include "core/common/json_where.h"
#include "core/export/bundle_paths.h"
#include "core/store/sha256.h"

namespace backdrop::exporting {
namespace {

using nlohmann::json;

// Where in a JSON document a value sits, for error messages: "files[2].sha256".
using Where = JsonWhere<BundleError>;

std::string require_path(const json& object, const std::string& name, const Where& where) {
  auto path = require_string(object, name, where);
  if (const auto problem = bundle_path_problem(path); !problem.empty())
    where.key(name).fail("'" + path + "': " + problem);
  return path;
}

// A path given as a map's value rather than under a key.
std::string path_value(const json& value, const Where& where) {
  if (!value.is_string()) where.fail("expected a path string, found " + std::string(value.type_name()));
  auto path = value.get<std::string>();
  if (const auto problem = bundle_path_problem(path); !problem.empty()) where.fail("'" + path + "': " + problem);
  return path;
}

void check_format(const json& document, const std::string& expected, const Where& where) {
  if (!document.is_object()) where.fail("not a JSON object");
  const auto format = require_string(document, "format", where);
  if (format != expected) where.key("format").fail("'" + format + "', expected '" + expected + "'");
  const auto version = require_integer(document, "schema_version", where);
  if (version != kBundleSchemaVersion) {
    where.key("schema_version")
        .fail("version " + std::to_string(version) + " is not supported (this build reads " +
              std::to_string(kBundleSchemaVersion) + ")");
  }
}

BundleFile file_from_json(const json& entry, const Where& where) {
  BundleFile file;
  file.path = require_path(entry, "path", where);
  file.sha256 = require_string(entry, "sha256", where);
  if (!is_sha256_hex(file.sha256)) where.key("sha256").fail("not 64 lowercase hex digits");
  const auto bytes = require_integer(entry, "bytes", where);
  if (bytes < 0) where.key("bytes").fail("negative size");
  file.bytes = static_cast<uint64_t>(bytes);
  return file;
}

BundleArm arm_from_json(const json& entry, const Where& where) {
  BundleArm arm;
  arm.id = require_string(entry, "id", where);
  if (arm.id.empty()) where.key("id").fail("empty arm id");
  arm.prompt_id = require_integer(entry, "prompt_id", where);
  arm.prompt = require_string(entry, "prompt", where);
  arm.negative_prompt = require_string(entry, "negative_prompt", where);
  return arm;
}

// product -> image key -> placement -> image path; every key must be one of `keys` unless it is null.
ProductImages images_from_json(const json& images, const std::set<std::string>* keys, const Where& where) {
  ProductImages result;
  if (!images.is_object()) where.fail("expected an object of products");
  for (const auto& [product, arms] : images.items()) {
    const auto product_where = where.key(product);
    if (!arms.is_object()) product_where.fail("expected an object of arms");
    for (const auto& [arm, placements] : arms.items()) {
      const auto arm_where = product_where.key(arm);
      if (keys && !keys->contains(arm)) arm_where.fail("unknown arm '" + arm + "'");
      if (!placements.is_object()) arm_where.fail("expected an object of placements");
      for (const auto& [placement, path] : placements.items()) {
        result[product][arm][placement] = path_value(path, arm_where.key(placement));
      }
    }
  }
  return result;
}

// Groups that show arms (random-prompt, personalised) have no images of their own.
bool shows_its_own_images(experiment::GroupKind kind) {
  using enum experiment::GroupKind;
  return kind == original || kind == white || kind == previous_bundle;
}

// The experiment and its groups' images, which must be those of exactly its image groups, each
// keyed as bundle.h says.
void experiment_from_json(const json& json_category, const std::string& origin, CategoryBundle& category) {
  const Where where(origin);
  try {
    category.experiment = experiment::experiment_from_json(json_category.at("experiment"), origin + ": experiment");
  } catch (const experiment::PlanError& error) {
    throw BundleError(error.what());
  }
  const auto& groups = require(json_category, "group_images", where);
  if (!groups.is_object()) where.key("group_images").fail("expected an object of groups");
  for (const auto& group : category.experiment->groups) {
    if (!shows_its_own_images(group.kind)) continue;
    const auto group_where = where.key("group_images").key(group.name);
    if (!groups.contains(group.name)) group_where.fail("missing: the group shows images of its own");
    const std::set<std::string> kind{std::string(experiment::kind_name(group.kind))};
    const bool keyed_by_kind = group.kind != experiment::GroupKind::previous_bundle;
    category.group_images[group.name] =
        images_from_json(groups.at(group.name), keyed_by_kind ? &kind : nullptr, group_where);
  }
  for (const auto& [name, images] : groups.items()) {
    const auto* group = category.experiment->group(name);
    if (!group || !shows_its_own_images(group->kind)) {
      where.key("group_images").key(name).fail("not a group of the experiment that shows images of its own");
    }
  }
}

}  // namespace

json manifest_to_json(const BundleManifest& manifest) {
  auto files = json::array();
  for (const auto& file : manifest.files)
    files.push_back({{"path", file.path}, {"sha256", file.sha256}, {"bytes", file.bytes}});
  return {{"format", manifest.format},
          {"schema_version", manifest.schema_version},
          {"version", manifest.version},
          {"project", manifest.project},
          {"created_at", manifest.created_at},
          {"engine_version", manifest.engine_version},
          {"image_format", manifest.image_format},
          {"image_quality", manifest.image_quality},
          {"categories", manifest.categories},
          {"files", files}};
}

BundleManifest manifest_from_json(const json& json_manifest, const std::string& origin) {
  const Where where(origin);
  check_format(json_manifest, kBundleFormat, where);
  BundleManifest manifest;
  manifest.version = require_string(json_manifest, "version", where);
  if (!is_valid_version_name(manifest.version))
    where.key("version").fail("'" + manifest.version + "' is not a valid version name");
  manifest.project = require_string(json_manifest, "project", where);
  manifest.created_at = require_string(json_manifest, "created_at", where);
  manifest.engine_version = require_string(json_manifest, "engine_version", where);
  manifest.image_format = require_string(json_manifest, "image_format", where);
  if (manifest.image_format != "jpeg" && manifest.image_format != "webp") {
    where.key("image_format").fail("'" + manifest.image_format + "', expected 'jpeg' or 'webp'");
  }
  const auto quality = require_integer(json_manifest, "image_quality", where);
  if (quality < 1 || quality > 100) where.key("image_quality").fail(std::to_string(quality) + " is not in 1..100");
  manifest.image_quality = static_cast<int>(quality);

  const auto& categories = require(json_manifest, "categories", where);
  if (!categories.is_object()) where.key("categories").fail("expected an object of category -> file");
  for (const auto& [category, file] : categories.items()) {
    manifest.categories[category] = path_value(file, where.key("categories").key(category));
  }

  const auto& files = require(json_manifest, "files", where);
  if (!files.is_array()) where.key("files").fail("expected a list");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto file = file_from_json(files[i], where.key("files").index(i));
    if (file.path == "manifest.json") where.key("files").index(i).fail("the manifest cannot list itself");
    if (!seen.insert(file.path).second) where.key("files").index(i).fail("'" + file.path + "' is listed twice");
    manifest.files.push_back(std::move(file));
  }
  return manifest;
}

json policy_to_json(const PolicySettings& policy) {
  return {{"policy", policy.policy},
          {"alpha", policy.alpha},
          {"epsilon", policy.epsilon},
          {"online_learning", policy.online_learning},
          {"latency_budget_ms", policy.latency_budget_ms}};
}

PolicySettings policy_from_json(const json& json_policy, const std::string& origin) {
  const Where where = Where(origin).key("policy");
  PolicySettings policy;
  policy.policy = require_string(json_policy, "policy", where);
  if (policy.policy != "linucb") where.key("policy").fail("'" + policy.policy + "', expected 'linucb'");
  policy.alpha = require_number(json_policy, "alpha", where);
  if (policy.alpha < 0) where.key("alpha").fail("must be >= 0");
  policy.epsilon = require_number(json_policy, "epsilon", where);
  if (policy.epsilon < 0 || policy.epsilon > 1) where.key("epsilon").fail("must be in [0, 1]");
  policy.online_learning = require_bool(json_policy, "online_learning", where);
  policy.latency_budget_ms = require_number(json_policy, "latency_budget_ms", where);
  if (!(policy.latency_budget_ms > 0)) where.key("latency_budget_ms").fail("must be > 0");
  return policy;
}

json category_to_json(const CategoryBundle& category) {
  auto arms = json::array();
  for (const auto& arm : category.arms) {
    arms.push_back({{"id", arm.id},
                    {"prompt_id", arm.prompt_id},
                    {"prompt", arm.prompt},
                    {"negative_prompt", arm.negative_prompt}});
  }
  json document = {{"format", kCategoryFormat},
                   {"schema_version", kBundleSchemaVersion},
                   {"category", category.category},
                   {"arms", arms},
                   {"images", category.images},
                   {"priors", bandit::priors_to_json(category.priors)},
                   {"policy", policy_to_json(category.policy)}};
  if (!category.priors_source.empty()) document["priors_source"] = category.priors_source;
  if (category.experiment) {
    document["experiment"] = experiment::experiment_to_json(*category.experiment);
    document["group_images"] = category.group_images;
  }
  return document;
}

CategoryBundle category_from_json(const json& json_category, const std::string& origin) {
  const Where where(origin);
  check_format(json_category, kCategoryFormat, where);
  CategoryBundle category;
  category.category = require_string(json_category, "category", where);

  const auto& arms = require(json_category, "arms", where);
  if (!arms.is_array()) where.key("arms").fail("expected a list");
  std::set<std::string> arm_ids;
  for (std::size_t i = 0; i < arms.size(); ++i) {
    auto arm = arm_from_json(arms[i], where.key("arms").index(i));
    if (!arm_ids.insert(arm.id).second) where.key("arms").index(i).fail("arm id '" + arm.id + "' is used twice");
    category.arms.push_back(std::move(arm));
  }

  category.images = images_from_json(require(json_category, "images", where), &arm_ids, where.key("images"));

  try {
    category.priors = bandit::priors_from_json(require(json_category, "priors", where), origin + ": priors");
  } catch (const bandit::PriorsError& error) {
    throw BundleError(error.what());
  }
  if (const auto source = json_category.find("priors_source"); source != json_category.end()) {
    if (!source->is_string()) where.key("priors_source").fail("expected a string");
    category.priors_source = source->get<std::string>();
  }
  if (category.priors.arms.size() != category.arms.size()) {
    where.key("priors").fail(std::to_string(category.priors.arms.size()) + " arms, the category has " +
                             std::to_string(category.arms.size()));
  }
  for (std::size_t k = 0; k < category.arms.size(); ++k) {
    if (category.priors.arms[k].id != category.arms[k].id) {
      where.key("priors").key("arms").index(k).fail("id '" + category.priors.arms[k].id + "', expected '" +
                                                    category.arms[k].id + "' (the same order as the category's arms)");
    }
  }
  category.policy = policy_from_json(require(json_category, "policy", where), origin);
  if (json_category.contains("experiment")) {
    experiment_from_json(json_category, origin, category);
  } else if (json_category.contains("group_images")) {
    where.key("group_images").fail("present without an experiment");
  }
  return category;
}

}  // namespace backdrop::exporting
