// Masks saved before mask verdicts existed get a verdict the way a new mask does: a clean one is
// "auto", one with a sign of a wrong cut needs attention (and is then held back from generation),
// an unreadable one needs attention; products with a verdict or without a mask are left alone.

#include <QtTest>

#include <fstream>
#include <set>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/generation/jobs_plan.h"
#include "core/imaging/product_segmentation.h"
#include "core/preparation/project_segmentation.h"
#include "core/preparation/saved_mask_review.h"
#include "core/store/project.h"
#include "support/test_data.h"

using namespace backdrop;

namespace {

const cv::Rect kProduct{60, 50, 80, 100};  // inside a 200x200 photo, a margin all round

// A grey product on a white backdrop, and the product's mask.
void write_photo(const std::filesystem::path& file) {
  cv::Mat photo(200, 200, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::rectangle(photo, kProduct, cv::Scalar(90, 90, 90), cv::FILLED);
  QVERIFY(cv::imwrite(file.string(), photo));
}

void write_mask(const std::filesystem::path& file, const cv::Rect& area) {
  std::filesystem::create_directories(file.parent_path());
  cv::Mat mask(200, 200, CV_8UC1, cv::Scalar(0));
  cv::rectangle(mask, area, cv::Scalar(255), cv::FILLED);
  QVERIFY(cv::imwrite(file.string(), mask));
}

bool mentions(const std::vector<std::string>& reasons, const std::string& text) {
  for (const auto& reason : reasons) {
    if (reason.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

class SavedMaskReviewTest : public QObject {
  Q_OBJECT

 private slots:
  void savedMasksWithoutAVerdictGetOne() {
    const auto dir = test::scratch_dir("saved-masks-" + std::to_string(QCoreApplication::applicationPid()));
    const auto photo = dir / "photo.png";
    write_photo(photo);
    auto project = Project::create(dir / "old.backdrop");
    for (const std::string id : {"clean", "wall", "unreadable", "decided", "unprepared"}) {
      project.products().upsert({0, id, "bags", "Bag " + id, photo.string(), "hash-" + id, 0});
    }
    const auto cache = project.cache_dir();
    write_mask(imaging::product_mask_path(cache, "clean"), kProduct);
    write_mask(imaging::product_mask_path(cache, "wall"), cv::Rect(0, 0, 200, 150));  // the backdrop taken too
    std::ofstream(imaging::product_mask_path(cache, "unreadable")) << "not a PNG";
    write_mask(imaging::product_mask_path(cache, "decided"), cv::Rect(0, 0, 200, 150));
    project.masks().record_computed("decided", "learned", 0.95, {}, false);

    const auto unreviewed = unreviewed_masks(project);
    QCOMPARE(unreviewed.size(), std::size_t{3});
    QCOMPARE(review_unreviewed_masks(project), std::size_t{3});
    QCOMPARE(review_unreviewed_masks(project), std::size_t{0});  // once only

    const auto clean = *project.masks().find("clean");
    QCOMPARE(clean.status, MaskStatus::automatic);
    QCOMPARE(clean.method, std::string("saved"));
    QVERIFY(clean.reasons.empty());
    QVERIFY(clean.confidence >= 0.8);

    const auto wall = *project.masks().find("wall");
    QCOMPARE(wall.status, MaskStatus::needs_attention);
    QVERIFY(mentions(wall.reasons, "touches the image border"));
    QVERIFY(mentions(wall.reasons, "prepared before mask verdicts were recorded"));

    const auto unreadable = *project.masks().find("unreadable");
    QCOMPARE(unreadable.status, MaskStatus::needs_attention);
    QVERIFY(mentions(unreadable.reasons, "the saved mask cannot be checked"));

    QCOMPARE(project.masks().find("decided")->method, std::string("learned"));  // left as it was
    QCOMPARE(project.masks().find("decided")->status, MaskStatus::automatic);
    QVERIFY(!project.masks().find("unprepared"));

    // Planning now holds back the two that need attention.
    std::set<std::string> planned;
    const GenerationSettings settings;
    for (const auto& variant : plan_variants(project, settings)) planned.insert(variant.product_id);
    QVERIFY(planned == (std::set<std::string>{"clean", "decided", "unprepared"}));
  }

  void theProjectsThresholdDecides() {
    const auto dir = test::scratch_dir("saved-masks-threshold-" + std::to_string(QCoreApplication::applicationPid()));
    const auto photo = dir / "photo.png";
    write_photo(photo);
    const auto mask = dir / "mask.png";
    write_mask(mask, kProduct);
    // A clean mask reads as confidence 1; a threshold of 1 still takes it, nothing above exists.
    QVERIFY(!review_saved_mask({"p", photo, mask}, 1.0).needs_attention);
    // A mask with two parts needs attention whatever the threshold.
    cv::Mat two(200, 200, CV_8UC1, cv::Scalar(0));
    cv::rectangle(two, kProduct, cv::Scalar(255), cv::FILLED);
    cv::rectangle(two, cv::Rect(170, 170, 10, 10), cv::Scalar(255), cv::FILLED);
    QVERIFY(cv::imwrite(mask.string(), two));
    const auto verdict = review_saved_mask({"p", photo, mask}, 0.0);
    QVERIFY(verdict.needs_attention);
    QVERIFY(mentions(verdict.reasons, "disconnected parts"));
  }
};

QTEST_GUILESS_MAIN(SavedMaskReviewTest)
#include "saved_mask_review_test.moc"
