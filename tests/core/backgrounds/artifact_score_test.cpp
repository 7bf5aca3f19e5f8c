// The artifact score on constructed cases: a generated image whose object extends the product
// scores higher than one that leaves the product as it is.

#include <QtTest>

#include <opencv2/imgproc.hpp>

#include "core/backgrounds/artifact_score.h"
#include "core/imaging/plain_background_segmenter.h"

using namespace backdrop::backgrounds;

namespace {

const cv::Scalar kBackdrop(225, 228, 230);
const cv::Scalar kProduct(40, 40, 170);

cv::Mat product_mask() {
  cv::Mat mask = cv::Mat::zeros(240, 320, CV_8UC1);
  cv::circle(mask, {160, 120}, 50, 255, cv::FILLED);
  return mask;
}

// The product on a plain backdrop, plus `extension` painted in the product's colour.
cv::Mat generated_image(const std::vector<cv::Rect>& extensions) {
  cv::Mat image(240, 320, CV_8UC3, kBackdrop);
  image.setTo(kProduct, product_mask());
  for (const auto& rect : extensions) cv::rectangle(image, rect, kProduct, cv::FILLED);
  return image;
}

}  // namespace

class ArtifactScoreTest : public QObject {
  Q_OBJECT

 private slots:
  void objectExpansionIsTheGrowthOfTheUnion() {
    cv::Mat product = cv::Mat::zeros(10, 10, CV_8UC1);
    product(cv::Rect(0, 0, 5, 4)).setTo(255);  // 20 pixels
    cv::Mat generated = cv::Mat::zeros(10, 10, CV_8UC1);
    generated(cv::Rect(0, 0, 5, 5)).setTo(255);  // the product and one more row of 5
    generated.at<uint8_t>(9, 9) = 255;            // and one stray pixel
    QCOMPARE(object_expansion(generated, product), 6.0 / 20.0);
    QCOMPARE(object_expansion(cv::Mat::zeros(10, 10, CV_8UC1), product), 0.0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, object_expansion(generated, cv::Mat::zeros(10, 10, CV_8UC1)));
  }

  void anExtendedProductScoresHigher() {
    const backdrop::imaging::PlainBackgroundSegmenter segmenter;
    const auto mask = product_mask();
    const auto clean = score_artifacts(generated_image({}), mask, segmenter);
    // A strap drawn from the product's edge outwards, as a model might add one.
    const auto extended = score_artifacts(generated_image({cv::Rect(200, 110, 80, 14)}), mask, segmenter);

    QVERIFY(clean.object_expansion.has_value());
    QVERIFY(extended.object_expansion.has_value());
    QVERIFY2(*clean.object_expansion < 0.03, std::to_string(*clean.object_expansion).c_str());
    QVERIFY2(*extended.object_expansion > 0.1, std::to_string(*extended.object_expansion).c_str());
    QVERIFY(extended.edge_continuation > clean.edge_continuation);
    QVERIFY(!clean.flagged);
    QVERIFY(extended.flagged);
    QVERIFY(extended.reason.find("grew") != std::string::npos);
  }

  void separateObjectsDoNotContinueTheOutline() {
    const auto mask = product_mask();
    // A shape in the band but not touching the outline: background texture, not a continuation.
    const auto detached = edge_continuation(generated_image({cv::Rect(217, 115, 3, 10)}), mask);
    const auto attached = edge_continuation(generated_image({cv::Rect(205, 110, 60, 14)}), mask);
    QCOMPARE(detached, 0.0);
    QVERIFY(attached > 0.0);
  }
};

QTEST_APPLESS_MAIN(ArtifactScoreTest)
#include "artifact_score_test.moc"
