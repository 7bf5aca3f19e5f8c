// Segmentation quality on ground truth: the 20 alpha cut-outs (object = alpha >= 128) composited
// onto white, light grey, off-white (each through JPEG quality 85) and a saturated studio colour.
// Prints the per-image IoU table. Then the same cut-outs on light textured walls (procedural brick,
// like p004's white brick wall): the classical segmenter cannot tell wall from product there, so the
// reviewed mask must come out as needing attention, never as confident.

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
#include "core/imaging/product_segmentation.h"
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

// The cut-out over `plate` (CV_8UC3 of its size), optionally through JPEG quality 85.
cv::Mat composite_over(const LoadedImage& cutout, const cv::Mat& plate, bool jpeg) {
  cv::Mat colour, alpha, backdrop;
  cutout.bgr.convertTo(colour, CV_32FC3);
  cutout.alpha.convertTo(alpha, CV_32FC1, 1.0 / 255.0);
  plate.convertTo(backdrop, CV_32FC3);
  cv::Mat alpha3;
  cv::merge(std::vector<cv::Mat>{alpha, alpha, alpha}, alpha3);
  cv::Mat mixed = colour.mul(alpha3) + backdrop.mul(cv::Scalar::all(1.0) - alpha3);
  cv::Mat out;
  mixed.convertTo(out, CV_8UC3);
  if (jpeg) {
    std::vector<uint8_t> bytes;
    cv::imencode(".jpg", out, bytes, {cv::IMWRITE_JPEG_QUALITY, 85});
    out = cv::imdecode(bytes, cv::IMREAD_COLOR);
  }
  return out;
}

cv::Mat composite(const LoadedImage& cutout, const Backdrop& backdrop) {
  return composite_over(cutout, cv::Mat(cutout.bgr.size(), CV_8UC3, backdrop.bgr), backdrop.jpeg);
}

// A light brick wall: staggered courses of bricks with a little colour variation, mortar lines,
// sensor noise and a slight blur, like a photo of a painted brick wall.
struct Wall {
  const char* name;
  cv::Scalar brick;   // BGR
  cv::Scalar mortar;  // BGR
  int brick_width, course_height;
};

cv::Mat brick_wall(const cv::Size& size, const Wall& wall, uint64_t seed) {
  cv::RNG rng(seed);
  cv::Mat out(size, CV_8UC3, wall.mortar);
  for (int course = 0; course * wall.course_height < size.height; ++course) {
    const int shift = (course % 2) * wall.brick_width / 2;
    for (int x = -shift; x < size.width; x += wall.brick_width) {
      const cv::Scalar tone = wall.brick + cv::Scalar::all(rng.uniform(-8, 8));
      const cv::Rect brick(x + 2, course * wall.course_height + 2, wall.brick_width - 4, wall.course_height - 4);
      cv::rectangle(out, brick, tone, cv::FILLED);
    }
  }
  cv::Mat noise(size, CV_8UC3);
  rng.fill(noise, cv::RNG::NORMAL, 0, 4);
  cv::add(out, noise, out, cv::noArray(), CV_8UC3);
  cv::GaussianBlur(out, out, cv::Size(3, 3), 0);
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
    int count = 0, flagged = 0;  // flagged: the mask review sends it to a person
    std::printf("\n%-34s %10s %10s %10s %10s\n", "cut-out", "white", "light-grey", "off-white", "saturated");
    for (const auto& file : files) {
      const auto cutout = at_test_size(load_image(file));
      QVERIFY2(cutout.has_alpha(), file.string().c_str());
      const cv::Mat truth = cutout.alpha >= 128;
      std::printf("%-34s", file.filename().string().c_str());
      for (const auto& backdrop : backdrops) {
        const cv::Mat photo = composite(cutout, backdrop);
        auto result = segmenter.segment(photo);
        const double score = result.mask.empty() ? 0.0 : iou(result.mask, truth);
        review_segmentation(photo, result, kDefaultConfidenceThreshold);
        flagged += result.needs_attention ? 1 : 0;
        std::printf(" %10.4f", score);
        sum += score;
        worst = std::min(worst, score);
        ++count;
      }
      std::printf("\n");
    }
    const double mean = sum / count;
    std::printf("mean IoU %.4f, worst %.4f over %d images; %d need attention after review\n", mean, worst, count,
                flagged);
    std::fflush(stdout);
    // Good masks sent to a person cost a click each; keep that rare (11 of 80 when this was written,
    // mostly white products whose own grey looks like a shadow).
    QVERIFY2(flagged <= count / 6, "the mask review flags too many good masks");
    QVERIFY2(mean >= 0.97, "mean IoU below 0.97");
    QVERIFY2(worst >= 0.93, "an image has IoU below 0.93");
  }

  void texturedLightWallsNeedAttention() {
    const Wall walls[] = {
        {"white brick, grey mortar", cv::Scalar(225, 228, 232), cv::Scalar(200, 200, 200), 90, 40},
        {"cream brick, light mortar", cv::Scalar(210, 215, 222), cv::Scalar(235, 235, 235), 120, 50},
        {"painted brick", cv::Scalar(240, 240, 240), cv::Scalar(215, 215, 215), 70, 30},
    };
    const char* cutouts[] = {"apparel_hoodie_red.png", "apparel_tee_white.png", "apparel_long_sleeve_tee_red.png",
                             "footwear_sneaker_lowtop.png", "kitchen_enamel_mug.png", "bags_canvas_tote.png"};
    const PlainBackgroundSegmenter plain;
    const SegmentationChoice choice{&plain, nullptr, {}, kDefaultConfidenceThreshold};
    int confident = 0, count = 0;
    std::printf("\n%-34s %-28s %10s %s\n", "cut-out on a wall", "wall", "confidence", "verdict");
    for (const char* name : cutouts) {
      const auto cutout = at_test_size(load_image(test::product_data() / "cutouts" / name));
      for (size_t w = 0; w < std::size(walls); ++w) {
        LoadedImage photo;
        photo.bgr = composite_over(cutout, brick_wall(cutout.bgr.size(), walls[w], 7 + w), true);
        const auto result = segment_product(photo, choice);
        const bool attention = result.needs_attention || result.mask.empty();
        std::printf("%-34s %-28s %10.2f %s\n", name, walls[w].name, result.confidence,
                    result.mask.empty() ? "refused" : attention ? "needs attention" : "CONFIDENT");
        confident += attention ? 0 : 1;
        ++count;
      }
    }
    std::fflush(stdout);
    QCOMPARE(count, 18);
    QVERIFY2(confident == 0, "a product on a textured wall came out as confident");
  }
};

QTEST_APPLESS_MAIN(SegmentationQualityTest)
#include "segmentation_quality_test.moc"
