#include <QtTest>

#include <archive.h>
#include <archive_entry.h>

#include <set>

#include "bundle_fixture.h"
#include "core/export/bundle_builder.h"
#include "core/export/bundle_reader.h"
#include "project_fixture.h"
#include "support/test_data.h"

using namespace backdrop;
using namespace backdrop::exporting;

namespace {

// Entry names of a tar file, in order.
std::vector<std::string> tar_entries(const std::filesystem::path& tar_file) {
  std::vector<std::string> names;
  archive* handle = archive_read_new();
  archive_read_support_format_tar(handle);
  if (archive_read_open_filename(handle, tar_file.c_str(), 1 << 16) == ARCHIVE_OK) {
    archive_entry* entry = nullptr;
    while (archive_read_next_header(handle, &entry) == ARCHIVE_OK) names.emplace_back(archive_entry_pathname(entry));
  }
  archive_read_free(handle);
  return names;
}

std::set<std::filesystem::path> files_under(const std::filesystem::path& dir) {
  std::set<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) files.insert(entry.path());
  return files;
}

cv::Vec3b centre_pixel(const std::filesystem::path& file) {
  const auto image = cv::imread(file.string(), cv::IMREAD_COLOR);
  return image.empty() ? cv::Vec3b() : image.at<cv::Vec3b>(image.rows / 2, image.cols / 2);
}

}  // namespace

class BundleBuilderTest : public QObject {
  Q_OBJECT

 private slots:
  void aMaskThatNeedsAttentionHoldsItsProductBack() {
    auto [dir, project, fixture] = test::make_export_project("export-held-back");
    QCOMPARE(plan_bundle(project, {}).image_count(), int64_t{3});
    project.masks().record_computed("sku-1", "plain-background", 0.6, {"a shadow-like region lies under the product"},
                                    true);
    auto plan = plan_bundle(project, {});
    QCOMPARE(plan.image_count(), int64_t{0});  // sku-1's images were the only ones that shipped
    QCOMPARE(plan.variants_excluded.at(kExcludedMaskNeedsAttention), int64_t{5});
    QCOMPARE(plan.products_held_back.size(), std::size_t{1});
    QCOMPARE(plan.products_held_back.at("sku-1"),
             std::vector<std::string>{"a shadow-like region lies under the product"});
    project.masks().accept("sku-1", "merchandiser");
    plan = plan_bundle(project, {});
    QCOMPARE(plan.image_count(), int64_t{3});
    QVERIFY(plan.products_held_back.empty());
  }

  void planCountsWhatShipsAndWhyTheRestDoesNot() {
    auto [dir, project, fixture] = test::make_export_project("export-plan");
    const auto files_before = files_under(dir);
    const auto plan = plan_bundle(project, {});

    QCOMPARE(plan.categories.size(), std::size_t{1});
    const auto& bags = plan.categories[0];
    QCOMPARE(bags.category, std::string("bags"));
    QCOMPARE(bags.prompt_set_version, 1);
    QCOMPARE(bags.arms.size(), std::size_t{2});
    QCOMPARE(bags.arms[0].id, "p" + std::to_string(fixture.prompt_a));
    QCOMPARE(bags.arms[0].negative_prompt, std::string("clutter"));
    QCOMPARE(plan.image_count(), int64_t{3});
    QCOMPARE(bags.images_per_placement.at("square"), int64_t{2});
    QCOMPARE(bags.images_per_placement.at("wide"), int64_t{1});
    QCOMPARE(bags.products_shipped, int64_t{1});
    QCOMPARE(bags.products_left_out, int64_t{2});  // sku-2 (nothing approved) and sku-4 (no variants)
    for (const auto& image : bags.images) QVERIFY(image.variant_id != fixture.blue_duplicate);

    QCOMPARE(plan.categories_left_out.at("shoes"), std::string("no approved prompt set"));
    const std::map<std::string, int64_t> excluded{{kExcludedUnreviewed, 1},
                                                  {kExcludedFlagged, 1},
                                                  {kExcludedRejected, 1},
                                                  {kExcludedPromptNotApproved, 1},
                                                  {kExcludedNoApprovedPromptSet, 1},
                                                  {kExcludedDuplicate, 1}};
    QCOMPARE(plan.variants_excluded, excluded);

    // Without a bandit state: uninformed priors over device (3), segment (2) and placement (2).
    QVERIFY(bags.priors_source.starts_with("uninformed"));
    QCOMPARE(bags.priors.schema.dimension(), 7);
    QCOMPARE(bags.priors.arms[1].id, bags.arms[1].id);

    // Planning writes nothing.
    QVERIFY(project.exports().list().empty());
    QCOMPARE(files_under(dir), files_before);
  }

  void priorsComeFromTheProjectWhenTheirArmsFit() {
    auto [dir, project, fixture] = test::make_export_project("export-priors");
    test::save_bags_priors(project, 2);
    auto plan = plan_bundle(project, {});
    QVERIFY2(plan.categories[0].priors_source.starts_with("version 1: 0 impressions, 0 clicks, 20"),
             plan.categories[0].priors_source.c_str());
    QVERIFY(plan.categories[0].priors_source.ends_with(", by test"));
    QCOMPARE(plan.categories[0].priors.schema.dimension(), 2);
    QCOMPARE(plan.categories[0].priors.arms[0].linear.b[1], 0.25);
    QCOMPARE(plan.categories[0].priors.arms[1].id, plan.categories[0].arms[1].id);

    test::save_bags_priors(project, 3);
    plan = plan_bundle(project, {});
    QVERIFY2(plan.categories[0].priors_source.find("3 arms, the approved set 2") != std::string::npos,
             plan.categories[0].priors_source.c_str());
    QCOMPARE(plan.categories[0].priors.arms[0].linear.b[1], 0.0);
  }

  void buildWritesAVerifiedBundleAndItsTar() {
    auto [dir, project, fixture] = test::make_export_project("export-build");
    BundleOptions options;
    options.image_quality = 80;
    options.policy.epsilon = 0.1;
    std::vector<Progress> updates;
    const auto result = build_bundle(project, options, dir / "out", dir / "out.tar",
                                     [&](const Progress& progress) { updates.push_back(progress); });

    const auto bundle = load_bundle(dir / "out");
    QCOMPARE(bundle.manifest.version, result.manifest.version);
    QCOMPARE(bundle.manifest.project, std::string("shop.backdrop"));
    QCOMPARE(bundle.manifest.image_format, std::string("jpeg"));
    QCOMPARE(bundle.manifest.image_quality, 80);
    QCOMPARE(bundle.manifest.files.size(), std::size_t{4});  // three images, one category file
    const auto& bags = bundle.categories.at("bags");
    QCOMPARE(bags.policy.epsilon, 0.1);
    const auto arm_b = "p" + std::to_string(fixture.prompt_b);
    const auto green = bags.images.at("sku-1").at(arm_b).at("square");
    QCOMPARE(green, "images/" + sha256_hex(test::read_text(dir / "out" / green)) + ".jpg");
    const auto pixel = centre_pixel(dir / "out" / green);  // the two-star duplicate ships
    QVERIFY(pixel[1] > 240 && pixel[0] < 15 && pixel[2] < 15);
    QCOMPARE(cv::imread((dir / "out" / green).string()).size(), cv::Size(64, 48));

    const auto entries = tar_entries(dir / "out.tar");
    QCOMPARE(entries.size(), std::size_t{5});
    QCOMPARE(entries[0], result.manifest.version + "/categories/bags.json");
    QVERIFY(std::find(entries.begin(), entries.end(), result.manifest.version + "/manifest.json") != entries.end());

    QCOMPARE(updates.back().done, updates.back().total);
    QCOMPARE(updates.back().total, int64_t{4});
    const auto exports = project.exports().list();
    QCOMPARE(exports.size(), std::size_t{1});
    QCOMPARE(exports[0].variant_count, int64_t{3});
    QCOMPARE(exports[0].manifest_sha256, sha256_file_hex(dir / "out/manifest.json"));
    QCOMPARE(exports[0].format, std::string("bundle-jpeg"));
  }

  void webpAtAQualityDecodes() {
    auto [dir, project, fixture] = test::make_export_project("export-webp");
    BundleOptions options;
    options.image_format = "webp";
    options.image_quality = 70;
    build_bundle(project, options, dir / "out", {});
    const auto bundle = load_bundle(dir / "out");
    for (const auto& file : bundle.manifest.files) {
      if (!file.path.starts_with("images/")) continue;
      QVERIFY(file.path.ends_with(".webp"));
      QCOMPARE(cv::imread((dir / "out" / file.path).string()).size(), cv::Size(64, 48));
    }
    QVERIFY(!std::filesystem::exists(dir / "out.tar"));
  }

  void cancelAndBadOptionsLeaveNothingBehind() {
    auto [dir, project, fixture] = test::make_export_project("export-cancel");
    CancellationToken cancel;
    const auto cancel_after_first = [&](const Progress& progress) {
      if (progress.done == 1) cancel.cancel();
    };
    QVERIFY_THROWS_EXCEPTION(Cancelled,
                             build_bundle(project, {}, dir / "out", dir / "out.tar", cancel_after_first, cancel));
    QVERIFY(!std::filesystem::exists(dir / "out"));
    QVERIFY(!std::filesystem::exists(dir / "out.tar"));
    QVERIFY(project.exports().list().empty());

    BundleOptions options;
    options.image_format = "png";
    QVERIFY_THROWS_EXCEPTION(BundleError, plan_bundle(project, options));
    options = {};
    options.image_quality = 0;
    QVERIFY_THROWS_EXCEPTION(BundleError, build_bundle(project, options, dir / "out", {}));
    QVERIFY(!std::filesystem::exists(dir / "out"));
  }
};

QTEST_APPLESS_MAIN(BundleBuilderTest)
#include "bundle_builder_test.moc"
