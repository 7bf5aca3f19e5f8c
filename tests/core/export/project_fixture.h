#pragma once
// A small project for the export tests, built through the store's API: two categories, four
// products, two placements, an approved and a draft prompt set, and variants in every review
// state, each a small solid-colour PNG in the project's cache.
//
//   bags (approved set v1: prompts A, B; draft v2: prompt C)
//     sku-1: A/square approved, A/wide approved, B/square approved twice (2 stars: the one that
//            ships, green; no stars: blue), C/square approved (C is not in the approved set)
//     sku-2: A/square flagged, B/square rejected, A/wide unreviewed
//     sku-4: nothing
//   shoes (draft set only)
//     sku-3: approved variant, but no approved set

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/bandit/priors.h"
#include "core/generation/variant_inputs.h"
#include "core/store/project.h"
#include "support/test_data.h"

namespace backdrop::test {

struct ExportFixture {
  int64_t prompt_a = 0, prompt_b = 0, prompt_c = 0;
  int64_t blue_duplicate = 0, green_duplicate = 0;
};

inline int64_t add_fixture_variant(Project& project, const std::string& product, int64_t prompt_id,
                                   const std::string& placement, VariantStatus status, const cv::Scalar& bgr,
                                   std::optional<int> stars = std::nullopt) {
  static int counter = 0;
  auto inputs = make_variant_inputs();
  inputs.product_id = product;
  inputs.prompt_id = prompt_id;
  inputs.placement = *project.placements().find(placement);
  inputs.seed = static_cast<uint64_t>(++counter);
  StoredVariant variant;
  variant.variant_key = variant_key(inputs);
  variant.product_external_id = product;
  variant.prompt_id = prompt_id;
  variant.inputs_json = to_json(inputs).dump();
  variant.image_path = variant.variant_key.substr(0, 2) + "/" + variant.variant_key + ".png";
  const auto file = project.cache_dir() / variant.image_path;
  std::filesystem::create_directories(file.parent_path());
  cv::imwrite(file.string(), cv::Mat(48, 64, CV_8UC3, bgr));
  variant.image_sha256 = "unused";
  const auto id = project.variants().insert_or_get(variant);
  if (status != VariantStatus::generated || stars) {
    ReviewChange change;
    change.reviewer = "test";
    change.action = "review";
    change.status = status;
    change.stars = stars;
    project.variants().review(id, change);
  }
  return id;
}

inline ExportFixture fill_export_project(Project& project) {
  ExportFixture fixture;
  for (const auto& [id, category] :
       {std::pair{"sku-1", "bags"}, {"sku-2", "bags"}, {"sku-3", "shoes"}, {"sku-4", "bags"}}) {
    project.products().upsert({0, id, category, std::string("Product ") + id, "", "", 0});
  }
  project.placements().save({0, "square", 512, 512});
  project.placements().save({0, "wide", 768, 432});
  for (const auto& placement : project.placements().list()) {  // the other seeded ad placements
    if (placement.name != "square" && placement.name != "wide") project.placements().remove(placement.name);
  }

  const auto bags = project.prompts().add_version(
      "bags", "test", {{0, "a marble counter", "clutter", ""}, {0, "a park bench", "", ""}});
  project.prompts().set_approval(bags.id, Approval::approved, "test");
  const auto draft = project.prompts().add_version("bags", "test", {{0, "a beach at dusk", "", ""}});
  const auto shoes = project.prompts().add_version("shoes", "test", {{0, "a running track", "", ""}});
  fixture.prompt_a = bags.prompts[0].id;
  fixture.prompt_b = bags.prompts[1].id;
  fixture.prompt_c = draft.prompts[0].id;

  using enum VariantStatus;
  const cv::Scalar red(0, 0, 255), green(0, 255, 0), blue(255, 0, 0), grey(128, 128, 128);
  add_fixture_variant(project, "sku-1", fixture.prompt_a, "square", approved, red);
  add_fixture_variant(project, "sku-1", fixture.prompt_a, "wide", approved, grey);
  fixture.green_duplicate = add_fixture_variant(project, "sku-1", fixture.prompt_b, "square", approved, green, 2);
  fixture.blue_duplicate = add_fixture_variant(project, "sku-1", fixture.prompt_b, "square", approved, blue);
  add_fixture_variant(project, "sku-1", fixture.prompt_c, "square", approved, grey);
  add_fixture_variant(project, "sku-2", fixture.prompt_a, "square", flagged, grey);
  add_fixture_variant(project, "sku-2", fixture.prompt_b, "square", rejected, grey);
  add_fixture_variant(project, "sku-2", fixture.prompt_a, "wide", generated, grey);
  add_fixture_variant(project, "sku-3", shoes.prompts[0].id, "square", approved, grey);
  return fixture;
}

struct ExportProject {
  std::filesystem::path dir;  // a fresh scratch folder holding shop.backdrop and its cache
  Project project;
  ExportFixture fixture;
};

inline ExportProject make_export_project(const std::string& scratch_name) {
  auto dir = scratch_dir(scratch_name);
  auto project = Project::create(dir / "shop.backdrop");
  const auto fixture = fill_export_project(project);
  return {std::move(dir), std::move(project), fixture};
}

// Saves bandit priors for "bags" with `arms` arms whose b vectors are 0.25 (ids "0", "1" ...).
inline void save_bags_priors(Project& project, int arms) {
  const bandit::FeatureSchema schema(
      {bandit::one_hot_feature("device", bandit::FeatureSource::user, {"desktop", "mobile"}, false)});
  auto priors = bandit::uninformed_priors(schema, arms);
  for (auto& arm : priors.arms) arm.linear.b.setConstant(0.25);
  project.priors().add({"bags", bandit::priors_to_json(priors).dump(), 0, 0, {}, "test"});
}

}  // namespace backdrop::test
