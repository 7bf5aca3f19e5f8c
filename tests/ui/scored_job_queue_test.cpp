// The studio's scored queue on constructed variants: when a task is committed, the artifact score
// recorded in the variant's image goes into the project, and a score that core judges over its
// thresholds (score_artifacts on a generated image whose object grew) flags the variant for review
// by "auto" with a reason from the review list. A clean score leaves the variant unreviewed, and a
// variant a person has already reviewed (approved, or cleared) keeps their decision.

#include <QtTest>

#include <opencv2/imgproc.hpp>

#include "core/backgrounds/artifact_score.h"
#include "core/backgrounds/variant_png_record.h"
#include "core/imaging/plain_background_segmenter.h"
#include "core/rendering/project_artifact_thresholds.h"
#include "core/rendering/scored_job_queue.h"
#include "core/store/project.h"
#include "support/test_data.h"
#include "ui/variants_panel.h"

using backdrop::JobTask;
using backdrop::VariantStatus;
namespace fs = std::filesystem;

namespace {

// The wrapped queue: every result is accepted; nothing else is used.
class AcceptingQueue : public backdrop::JobQueue {
 public:
  const std::string& job_name() const override { return name_; }
  int64_t submit(const std::vector<backdrop::VariantInputs>&) override { return 0; }
  std::optional<JobTask> claim(const std::string&, std::chrono::milliseconds) override { return std::nullopt; }
  void renew(const std::string&, std::chrono::milliseconds) override {}
  bool complete(const JobTask&, const std::string&, const backdrop::JobResult&) override { return true; }
  void release(const JobTask&, const std::string&) override {}
  void fail(const JobTask&, const std::string&, const std::string&) override {}
  int64_t retry_failed() override { return 0; }
  void set_state(backdrop::JobState) override {}
  backdrop::JobProgress progress() override { return {}; }

 private:
  std::string name_ = "test";
};

const cv::Scalar kBackdrop(225, 228, 230);
const cv::Scalar kProduct(40, 40, 170);

cv::Mat productMask() {
  cv::Mat mask = cv::Mat::zeros(240, 320, CV_8UC1);
  cv::circle(mask, {160, 120}, 50, 255, cv::FILLED);
  return mask;
}

// Core's score of a generated image: the product on a plain backdrop, with a strap drawn outwards
// from its edge when `extended`.
backdrop::backgrounds::ArtifactScore scoreOf(bool extended) {
  cv::Mat generated(240, 320, CV_8UC3, kBackdrop);
  generated.setTo(kProduct, productMask());
  if (extended) cv::rectangle(generated, cv::Rect(200, 110, 80, 14), kProduct, cv::FILLED);
  const backdrop::imaging::PlainBackgroundSegmenter segmenter;
  return backdrop::backgrounds::score_artifacts(generated, productMask(), segmenter);
}

class ScoredProject {
 public:
  explicit ScoredProject(const std::string& name)
      : project_(backdrop::Project::create(backdrop::test::scratch_dir(name) / "scored.backdrop")),
        cache_(project_.cache_dir()),
        queue_(inner_, project_, cache_) {
    project_.products().upsert({0, "p1", "bags", "Bag", "", "", 0});
  }

  // Stores a variant, writes its image with `score` in its record and commits its task.
  int64_t commit(const std::string& key, const backdrop::backgrounds::ArtifactScore& score,
                 std::optional<VariantStatus> reviewedAs = std::nullopt) {
    backdrop::StoredVariant stored;
    stored.variant_key = key;
    stored.product_external_id = "p1";
    stored.inputs_json = "{}";
    stored.image_path = key + ".png";
    const int64_t id = project_.variants().insert_or_get(stored);
    if (reviewedAs) project_.variants().review(id, {"person", "review", reviewedAs, std::nullopt, std::nullopt});
    const fs::path image = cache_.path_for(key);
    fs::create_directories(image.parent_path());
    backdrop::backgrounds::VariantProvenance made{};
    made.generator = "diffusion";
    made.product_id = std::string("p1");  // assigned from a char array, GCC 12 -O2 warns falsely (maybe-uninitialized)
    made.prompt = "a bag";
    made.artifacts = score;
    backdrop::backgrounds::write_variant_png(image, cv::Mat(240, 320, CV_8UC3, kBackdrop), made);
    JobTask task;
    task.variant_key = key;
    if (!queue_.complete(task, "worker", {stored.image_path, "sha"})) throw std::runtime_error("not committed");
    return id;
  }

  backdrop::Project& project() { return project_; }

 private:
  backdrop::Project project_;
  backdrop::CacheStore cache_;
  AcceptingQueue inner_;
  backdrop::ScoredJobQueue queue_;
};

}  // namespace

class ScoredJobQueueTest : public QObject {
  Q_OBJECT

 private slots:
  void aScoreOverTheThresholdFlagsTheVariant() {
    const auto score = scoreOf(true);
    QVERIFY(score.flagged);  // core's verdict on this image
    ScoredProject scored("scored-queue-flag");
    const int64_t id = scored.commit("extended", score);
    const auto variant = scored.project().variants().find(id);
    QCOMPARE(variant->status, VariantStatus::flagged);
    QCOMPARE(variant->flag_reasons, std::vector<std::string>{"product extended"});
    QCOMPARE(variant->artifact_scores.at("object_expansion"), *score.object_expansion);
    const auto log = scored.project().review_log().entries_for(id);
    QCOMPARE(log.size(), std::size_t{1});
    QCOMPARE(log.front().reviewer, std::string("auto"));
    QCOMPARE(log.front().action, std::string("flag"));
    // The reason is one a reviewer can pick in the variants view.
    QVERIFY(backdrop::ui::VariantsPanel::flagReasons().contains(backdrop::kAutoFlagReason));
  }

  void aCleanScoreLeavesTheVariantUnreviewed() {
    const auto score = scoreOf(false);
    QVERIFY(!score.flagged);
    ScoredProject scored("scored-queue-clean");
    const int64_t id = scored.commit("clean", score);
    const auto variant = scored.project().variants().find(id);
    QCOMPARE(variant->status, VariantStatus::generated);
    QVERIFY(variant->flag_reasons.empty());
    QCOMPARE(variant->artifact_scores.at("edge_continuation"), score.edge_continuation);
    QVERIFY(scored.project().review_log().entries_for(id).empty());
  }

  // The project's own thresholds decide, not the renderer's defaults: loosened, the same score
  // passes; tightened, a clean one is flagged. A threshold stored by hand that is no number is
  // an error naming the key.
  void theProjectsThresholdsDecide() {
    const auto extended = scoreOf(true);
    ScoredProject scored("scored-queue-thresholds");
    backdrop::backgrounds::ArtifactThresholds loose;
    loose.object_expansion = *extended.object_expansion + 0.01;
    loose.edge_continuation = extended.edge_continuation + 0.01;
    backdrop::save_artifact_thresholds(scored.project(), loose);
    QCOMPARE(backdrop::load_artifact_thresholds(scored.project()).edge_continuation, loose.edge_continuation);
    const int64_t passed = scored.commit("extended-but-loose", extended);
    QCOMPARE(scored.project().variants().find(passed)->status, VariantStatus::generated);

    backdrop::backgrounds::ArtifactThresholds strict;
    strict.object_expansion = 0;
    strict.edge_continuation = 0;
    backdrop::save_artifact_thresholds(scored.project(), strict);
    const int64_t caught = scored.commit("clean-but-strict", scoreOf(false));
    QCOMPARE(scored.project().variants().find(caught)->status, VariantStatus::flagged);

    strict.edge_continuation = -1;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, backdrop::save_artifact_thresholds(scored.project(), strict));
    scored.project().settings().set("artifacts.edge_continuation", "0.5x");
    try {
      backdrop::load_artifact_thresholds(scored.project());
      QFAIL("a malformed threshold was read");
    } catch (const backdrop::StoreError& error) {
      QVERIFY2(std::string(error.what()).find("artifacts.edge_continuation '0.5x'") != std::string::npos, error.what());
    }
  }

  void aPersonsReviewStands() {
    ScoredProject scored("scored-queue-reviewed");
    const int64_t id = scored.commit("approved", scoreOf(true), VariantStatus::approved);
    const auto variant = scored.project().variants().find(id);
    QCOMPARE(variant->status, VariantStatus::approved);
    QCOMPARE(scored.project().review_log().entries_for(id).size(), std::size_t{1});  // the person's only
    QVERIFY(variant->artifact_scores.count("edge_continuation") == 1);               // the score still lands
    // A flag someone cleared is not raised again when the cached image is committed once more.
    const int64_t cleared = scored.commit("cleared", scoreOf(true), VariantStatus::generated);
    QCOMPARE(scored.project().variants().find(cleared)->status, VariantStatus::generated);
  }
};

QTEST_APPLESS_MAIN(ScoredJobQueueTest)
#include "scored_job_queue_test.moc"
