#include "core/imaging/mask_assist.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <opencv2/imgproc.hpp>

#include "core/imaging/image_error.h"
#include "core/imaging/mask_cleanup.h"

namespace backdrop::imaging {
namespace {

// Background GrabCut gets on each side of the box, in working pixels, however thin the margin:
// rounding when scaling must not leave a side without samples.
constexpr int kMinMarginPixels = 8;

std::string describe(cv::Rect box, cv::Size image) {
  return "box " + std::to_string(box.width) + "x" + std::to_string(box.height) + " at (" + std::to_string(box.x) +
         ", " + std::to_string(box.y) + ") on a " + std::to_string(image.width) + "x" + std::to_string(image.height) +
         " photo";
}

cv::Rect clipped_box(const cv::Mat& bgr, cv::Rect box) {
  if (bgr.empty() || bgr.type() != CV_8UC3) throw ImageError("mask_from_box: the photo must be a BGR image");
  const cv::Rect clipped = box & cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (clipped.width < 2 || clipped.height < 2) {
    throw ImageError("mask_from_box: the " + describe(box, bgr.size()) + " holds no part of the photo");
  }
  if (clipped.size() == bgr.size()) {
    throw ImageError("mask_from_box: the " + describe(box, bgr.size()) +
                     " covers all of it; leave some background around the product");
  }
  return clipped;
}

// The box with background around it, clipped to the photo.
cv::Rect surroundings(cv::Rect box, cv::Size image, const BoxMaskOptions& options, double scale) {
  const int minimum = static_cast<int>(std::ceil(kMinMarginPixels / scale));
  const int dx = std::max(minimum, static_cast<int>(box.width * options.margin));
  const int dy = std::max(minimum, static_cast<int>(box.height * options.margin));
  return cv::Rect(box.x - dx, box.y - dy, box.width + 2 * dx, box.height + 2 * dy) & cv::Rect(cv::Point(), image);
}

cv::Mat scaled(const cv::Mat& image, double scale) {
  if (scale >= 1.0) return image;
  cv::Mat out;
  cv::resize(image, out, cv::Size(), scale, scale, cv::INTER_AREA);
  return out;
}

// GrabCut seeds its colour models by k-means, which draws from the calling thread's random
// generator: a fixed seed gives the same mask for the same box on any thread, every time.
class FixedRandomSeed {
 public:
  FixedRandomSeed() : saved_(cv::theRNG().state) { cv::theRNG().state = 0x5eed; }
  ~FixedRandomSeed() { cv::theRNG().state = saved_; }
  FixedRandomSeed(const FixedRandomSeed&) = delete;
  FixedRandomSeed& operator=(const FixedRandomSeed&) = delete;

 private:
  uint64 saved_;
};

// 255 where GrabCut, started from `rect` (outside it: background), ends up calling foreground.
cv::Mat grabcut_foreground(const cv::Mat& bgr, cv::Rect rect, int iterations) {
  const FixedRandomSeed seed;
  cv::Mat labels, background_model, foreground_model;
  cv::grabCut(bgr, labels, rect, background_model, foreground_model, std::max(1, iterations), cv::GC_INIT_WITH_RECT);
  return (labels == cv::GC_FGD) | (labels == cv::GC_PR_FGD);
}

}  // namespace

cv::Mat mask_from_box(const cv::Mat& bgr, cv::Rect box, const BoxMaskOptions& options) {
  const cv::Rect inside = clipped_box(bgr, box);
  const double scale = std::min(1.0, options.working_side / static_cast<double>(std::max(inside.width, inside.height)));
  const cv::Rect region = surroundings(inside, bgr.size(), options, scale);
  const cv::Mat work = scaled(bgr(region), scale);
  const cv::Rect start =
      cv::Rect(cv::Point(cvRound((inside.x - region.x) * scale), cvRound((inside.y - region.y) * scale)),
               cv::Size(cvRound(inside.width * scale), cvRound(inside.height * scale))) &
      cv::Rect(0, 0, work.cols, work.rows);
  cv::Mat found = grabcut_foreground(work, start, options.iterations);
  if (scale < 1.0) {
    // Linear scaling then the halfway threshold gives a smooth outline rather than blocks.
    cv::resize(found, found, region.size(), 0, 0, cv::INTER_LINEAR);
    cv::threshold(found, found, 127, 255, cv::THRESH_BINARY);
  }
  cv::Mat mask = cv::Mat::zeros(bgr.size(), CV_8UC1);
  found(inside - region.tl()).copyTo(mask(inside));
  return remove_small_components(mask, options.min_part_fraction);
}

}  // namespace backdrop::imaging
