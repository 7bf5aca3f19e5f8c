// The learned segmenter runs any TorchScript salient-object model: here a tiny one written in
// TorchScript by the test itself (bright red = foreground), returning a tuple like U2-Net does.

#include <torch/script.h>  // before Qt: Qt's keyword macros are off for this test (QT_NO_KEYWORDS)

#include <QtTest>

#include <opencv2/imgproc.hpp>

#include "core/imaging/image_error.h"
#include "core/imaging/learned_segmenter.h"
#include "support/test_data.h"

using namespace backdrop;
using namespace backdrop::imaging;

class LearnedSegmenterTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void segmentsWithATorchScriptModel() {
    const auto dir = test::scratch_dir("imaging-learned");
    torch::jit::Module module("RedIsForeground");
    // Input is ImageNet-normalised RGB; red = 1 gives about +2.2, black about -2.1. Logits out.
    module.define(R"(
      def forward(self, x):
          logits = x[:, 0:1, :, :] * 4.0
          return (logits, logits)
    )");
    module.save((dir / "red.pt").string());

    LearnedSegmenter segmenter({dir / "red.pt", 64, true, "cpu"});
    cv::Mat photo(120, 160, CV_8UC3, cv::Scalar(0, 0, 0));
    photo(cv::Rect(40, 30, 80, 60)).setTo(cv::Scalar(0, 0, 255));
    const auto result = segmenter.segment(photo);
    QCOMPARE(result.method, SegmentationMethod::Learned);
    QVERIFY(result.ok());
    QCOMPARE(result.mask.size(), photo.size());
    QVERIFY(result.mask.at<uint8_t>(60, 80) != 0);
    QVERIFY(result.mask.at<uint8_t>(5, 5) == 0);
    const double area = cv::countNonZero(result.mask);
    QVERIFY(std::abs(area - 80 * 60) < 0.1 * 80 * 60);
    QVERIFY(result.confidence > 0.8);
  }

  void missingModelIsAClearError() {
    try {
      LearnedSegmenter segmenter({"no/such/model.pt"});
      QFAIL("expected an error");
    } catch (const ImageError& error) {
      QVERIFY(std::string(error.what()).find("no/such/model.pt: cannot load") != std::string::npos);
    }
  }
};

QTEST_APPLESS_MAIN(LearnedSegmenterTest)
#include "learned_segmenter_test.moc"
