// A product that was never prepared (no saved mask, no verdict) is prepared before planning with the
// project's segmentation settings: a clean cut is saved and planned; a cut that needs attention (a
// product on a light textured wall) and a photo that cannot be read are recorded as needing
// attention and are not generated.

#include <QtTest>

#include <fstream>
#include <set>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/generation/jobs_plan.h"
#include "core/imaging/product_segmentation.h"
#include "core/preparation/project_segmentation.h"
#include "core/preparation/unprepared_products.h"
#include "core/store/project.h"
#include "support/test_data.h"

using namespace backdrop;

namespace {

// A grey product on a white backdrop.
void write_plain_photo(const std::filesystem::path& file) {
  cv::Mat photo(200, 200, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::rectangle(photo, cv::Rect(60, 50, 80, 100), cv::Scalar(90, 90, 90), cv::FILLED);
  QVERIFY(cv::imwrite(file.string(), photo));
}

std::set<std::string> planned(Project& project) {
  std::set<std::string> ids;
  const GenerationSettings settings;
  for (const auto& variant : plan_variants(project, settings)) ids.insert(variant.product_id);
  return ids;
}

}  // namespace

class UnpreparedProductsTest : public QObject {
  Q_OBJECT

 private slots:
  void neverPreparedProductsArePreparedBeforePlanning() {
    const auto dir = test::scratch_dir("unprepared-" + std::to_string(QCoreApplication::applicationPid()));
    write_plain_photo(dir / "plain.png");
    std::ofstream(dir / "broken.png") << "not a PNG";
    auto project = Project::create(dir / "fresh.backdrop");
    project.products().upsert({0, "plain", "bags", "Bag", (dir / "plain.png").string(), "h1", 0});
    project.products().upsert({0, "broken", "bags", "Bag", (dir / "broken.png").string(), "h2", 0});

    QCOMPARE(unprepared_products(project).size(), std::size_t{2});
    QCOMPARE(prepare_unprepared_products(project), std::size_t{2});
    QCOMPARE(prepare_unprepared_products(project), std::size_t{0});  // once only

    const auto plain = *project.masks().find("plain");
    QCOMPARE(plain.status, MaskStatus::automatic);
    QVERIFY(std::filesystem::is_regular_file(imaging::product_mask_path(project.cache_dir(), "plain")));
    const auto broken = *project.masks().find("broken");
    QCOMPARE(broken.status, MaskStatus::needs_attention);
    QVERIFY(!broken.reasons.empty());
    QVERIFY(planned(project) == std::set<std::string>{"plain"});
  }

  // The project's threshold decides, as in Prepare: above every confidence, even a clean cut waits.
  void theProjectsThresholdHoldsBackADoubtfulMask() {
    const auto dir = test::scratch_dir("unprepared-threshold-" + std::to_string(QCoreApplication::applicationPid()));
    write_plain_photo(dir / "plain.png");
    auto project = Project::create(dir / "strict.backdrop");
    project.products().upsert({0, "plain", "bags", "Bag", (dir / "plain.png").string(), "h1", 0});
    auto settings = load_segmenter_settings(project);
    settings.confidence_threshold = 1.0;
    save_segmenter_settings(project, settings);

    QCOMPARE(prepare_unprepared_products(project), std::size_t{1});
    const auto plain = *project.masks().find("plain");
    QCOMPARE(plain.status, MaskStatus::needs_attention);
    QVERIFY(planned(project).empty());
  }
};

QTEST_GUILESS_MAIN(UnpreparedProductsTest)
#include "unprepared_products_test.moc"
