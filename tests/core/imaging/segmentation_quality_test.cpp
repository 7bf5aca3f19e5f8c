// Segmentation quality on ground truth: the 20 alpha cut-outs (object = alpha >= 128) composited
// onto white, light grey, off-white (each through JPEG quality 85) and a saturated studio colour.
// Prints the per-image IoU table.

#include <QtTest>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/imaging/image_io.h"
#include "core/imaging/plain_background_segmenter.h"
#include "support/test_data.h"

using namespace backdrop;
using namespace backdrop::imaging;

namespace {

struct Backdrop {
  const char* name;
  cv::Scalar bgr;
  bool jpeg;
};

// Cut-outs are up to 2160 px; the test works at about one megapixel, like the benchmark.
constexpr int kLongSide = 1024;

cv::Mat composite(const LoadedImage& cutout, const Backdrop& backdrop) {
  cv::Mat colour, alpha;
  cutout.bgr.convertTo(colour, CV_32FC3);
  cutout.alpha.convertTo(alpha, CV_32FC1, 1.0 / 255.0);
  cv::Mat alpha3;
  cv::merge(std::vector<cv::Mat>{alpha, alpha, alpha}, alpha3);
  cv::Mat plate(colour.size(), CV_32FC3, backdrop.bgr);
  cv::Mat mixed = colour.mul(alpha3) + plate.mul(cv::Scalar::all(1.0) - alpha3);
  cv::Mat out;
  mixed.convertTo(out, CV_8UC3);
  if (backdrop.jpeg) {
    std::vector<uint8_t> bytes;
    cv::imencode(".jpg", out, bytes, {cv::IMWRITE_JPEG_QUALITY, 85});
    out = cv::imdecode(bytes, cv::IMREAD_COLOR);
  }
  return out;
}

LoadedImage at_test_size(LoadedImage image) {
  const double scale = std::min(1.0, kLongSide / double(std::max(image.bgr.rows, image.bgr.cols)));
  if (scale < 1.0) {
    cv::resize(image.bgr, image.bgr, cv::Size(), scale, scale, cv::INTER_AREA);
    cv::resize(image.alpha, image.alpha, cv::Size(), scale, scale, cv::INTER_AREA);
  }
  return image;
}

double iou(const cv::Mat& a, const cv::Mat& b) {
  const double intersection = cv::countNonZero(a & b);
  const double united = cv::countNonZero(a | b);
  return united > 0 ? intersection / united : 1.0;
}

}  // namespace

class SegmentationQualityTest : public QObject {
  Q_OBJECT

 private slots:
  void cutoutsOnPlainBackdrops() {
    const Backdrop backdrops[] = {
        {"white", cv::Scalar(255, 255, 255), true},
        {"light-grey", cv::Scalar(224, 224, 224), true},
        {"off-white", cv::Scalar(230, 240, 245), true},
        {"saturated", cv::Scalar(180, 40, 20), false},  // a strong studio blue (BGR)
    };
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(test::product_data() / "cutouts")) {
      if (entry.path().extension() == ".png") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    QCOMPARE(files.size(), std::size_t{20});

    const PlainBackgroundSegmenter segmenter;
    double sum = 0, worst = 1;
    int count = 0;
    std::printf("\n%-34s %10s %10s %10s %10s\n", "cut-out", "white", "light-grey", "off-white", "saturated");
    for (const auto& file : files) {
      const auto cutout = at_test_size(load_image(file));
      QVERIFY2(cutout.has_alpha(), file.string().c_str());
      const cv::Mat truth = cutout.alpha >= 128;
      std::printf("%-34s", file.filename().string().c_str());
      for (const auto& backdrop : backdrops) {
        const auto result = segmenter.segment(composite(cutout, backdrop));
        const double score = result.mask.empty() ? 0.0 : iou(result.mask, truth);
        std::printf(" %10.4f", score);
        sum += score;
        worst = std::min(worst, score);
        ++count;
      }
      std::printf("\n");
    }
    const double mean = sum / count;
    std::printf("mean IoU %.4f, worst %.4f over %d images\n", mean, worst, count);
    std::fflush(stdout);
    QVERIFY2(mean >= 0.97, "mean IoU below 0.97");
    QVERIFY2(worst >= 0.93, "an image has IoU below 0.93");
  }
};

QTEST_APPLESS_MAIN(SegmentationQualityTest)
#include "segmentation_quality_test.moc"
