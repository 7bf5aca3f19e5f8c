#include "core/serving/synthetic_bundle.h"

#include <cmath>
#include <random>

#include "core/bandit/priors.h"
#include "core/export/bundle_writer.h"
#include "core/serving/request_context.h"
#include "core/store/durable_file.h"

namespace backdrop::serving {
namespace {

using bandit::FeatureEncoding;
using bandit::FeatureSource;
using bandit::FeatureSpec;

const std::vector<std::string> kSegments{"new", "returning", "vip"};

}  // namespace

bandit::FeatureSchema synthetic_schema(int features) {
  std::vector<FeatureSpec> specs;
  for (int i = 0; i < features; ++i) {
    const auto suffix = ".f" + std::to_string(i);
    switch (i % 4) {
      case 0:
        specs.push_back({"user" + suffix, FeatureSource::user, FeatureEncoding::numeric, {}, false, 0});
        break;
      case 1:
        specs.push_back(bandit::one_hot_feature("user" + suffix, FeatureSource::user, kSegments, true));
        break;
      case 2:
        specs.push_back({"product" + suffix, FeatureSource::product, FeatureEncoding::numeric, {}, false, 0});
        break;
      default:
        specs.push_back({"placement" + suffix, FeatureSource::placement, FeatureEncoding::hashed, {}, false, 4});
        break;
    }
  }
  return bandit::FeatureSchema(std::move(specs));
}

namespace {

void add_synthetic_experiment(const experiment::Experiment& experiment, const SyntheticCategorySpec& spec,
                              exporting::CategoryBundle& category) {
  category.experiment = experiment;
  for (const auto& group : experiment.groups) {
    using enum experiment::GroupKind;
    if (group.kind == random_prompt || group.kind == personalised) continue;
    const auto key =
        group.kind == previous_bundle ? std::string("old-p1") : std::string(experiment::kind_name(group.kind));
    auto& images = category.group_images[group.name];
    for (const auto& product : spec.products) {
      for (const auto& placement : spec.placements) {
        images[product][key][placement] = "images/" + product + "-" + group.name + "-" + placement + ".jpg";
      }
    }
  }
}

}  // namespace

exporting::CategoryBundle synthetic_category(const SyntheticCategorySpec& spec) {
  exporting::CategoryBundle category;
  category.category = spec.name;
  category.policy = spec.policy;
  for (int k = 0; k < spec.arms; ++k) {
    exporting::BundleArm arm;
    arm.prompt_id = k + 1;
    arm.id = "p" + std::to_string(arm.prompt_id);
    arm.prompt = "background " + std::to_string(arm.prompt_id) + " for " + spec.name;
    category.arms.push_back(arm);
  }
  for (const auto& product : spec.products) {
    for (const auto& arm : category.arms) {
      for (const auto& placement : spec.placements) {
        category.images[product][arm.id][placement] = "images/" + product + "-" + arm.id + "-" + placement + ".jpg";
      }
    }
  }
  if (spec.experiment) add_synthetic_experiment(*spec.experiment, spec, category);
  const auto schema = synthetic_schema(spec.features);
  if (spec.prior_ctr.empty()) {
    category.priors = bandit::uninformed_priors(schema, spec.arms);
  } else {
    // The reference context: numeric features at 0.5, the first segment, hashed slot 0 (column 0).
    std::vector<double> reference(static_cast<std::size_t>(schema.dimension()), 0.0);
    std::vector<std::string> raw;
    for (const auto& feature : schema.features())
      raw.push_back(feature.encoding == FeatureEncoding::numeric ? "0.5" : kSegments[0]);
    const std::vector<std::string_view> views(raw.begin(), raw.end());
    schema.encode(views, reference);
    category.priors = bandit::designer_priors(schema, spec.prior_ctr, spec.prior_pseudo_count, reference);
  }
  for (std::size_t k = 0; k < category.arms.size(); ++k) category.priors.arms[k].id = category.arms[k].id;
  return category;
}

exporting::BundleManifest write_synthetic_bundle(const std::filesystem::path& folder,
                                                 const SyntheticCategorySpec& spec) {
  auto category = synthetic_category(spec);
  exporting::BundleWriter writer(folder);
  const auto write_images = [&](exporting::ProductImages& images, const std::string& owner) {
    for (auto& [product, arms] : images) {
      for (auto& [arm, placements] : arms) {
        for (auto& [placement, image] : placements) {
          image = writer.add_image("synthetic image of " + product + " for " + owner + arm + " at " + placement, "jpg");
        }
      }
    }
  };
  write_images(category.images, "");
  for (auto& [group, images] : category.group_images) write_images(images, group + " ");
  writer.add_category(category);
  exporting::BundleManifest manifest;
  manifest.project = "synthetic";
  manifest.engine_version = "synthetic";
  manifest.image_format = "jpeg";
  return writer.finish(manifest);
}

std::string publish_synthetic_bundle(const std::filesystem::path& target, const SyntheticCategorySpec& spec) {
  const auto nonce = std::to_string(std::random_device{}());
  const auto incoming = target / "versions" / (".incoming-" + nonce);
  std::filesystem::create_directories(incoming.parent_path());
  const auto manifest = write_synthetic_bundle(incoming, spec);
  std::filesystem::rename(incoming, target / "versions" / manifest.version);
  write_file_durably(target / "CURRENT", manifest.version + "\n");
  return manifest.version;
}

nlohmann::json synthetic_context(const bandit::FeatureSchema& schema, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  nlohmann::json context{{"user", nlohmann::json::object()},
                         {"product", nlohmann::json::object()},
                         {"placement", nlohmann::json::object()}};
  for (const auto& feature : schema.features()) {
    auto& value = context[std::string(bandit::to_string(feature.source))][std::string(name_within_source(feature))];
    switch (feature.encoding) {
      case FeatureEncoding::numeric:
        value = std::round(unit(random) * 1000.0) / 1000.0;
        break;
      case FeatureEncoding::one_hot:
        value = feature.levels[random() % feature.levels.size()];
        break;
      case FeatureEncoding::hashed:
        value = "slot-" + std::to_string(random() % 16);
        break;
    }
  }
  return context;
}

}  // namespace backdrop::serving
