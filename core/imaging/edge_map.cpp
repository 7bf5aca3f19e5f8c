#include "core/imaging/edge_map.h"

#include <algorithm>
#include <array>

#include <opencv2/imgproc.hpp>

#include "core/imaging/image_error.h"

namespace backdrop::imaging {
namespace {

cv::Mat smoothed_grey(const cv::Mat& bgr) {
  cv::Mat grey;
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  cv::GaussianBlur(grey, grey, cv::Size(3, 3), 0);
  return grey;
}

double masked_median(const cv::Mat& grey, const cv::Mat& mask) {
  std::array<int64_t, 256> histogram{};
  int64_t total = 0;
  for (int y = 0; y < grey.rows; ++y) {
    const auto* g = grey.ptr<uint8_t>(y);
    const auto* m = mask.ptr<uint8_t>(y);
    for (int x = 0; x < grey.cols; ++x) {
      if (m[x]) {
        ++histogram[g[x]];
        ++total;
      }
    }
  }
  int64_t seen = 0;
  for (int value = 0; value < 256; ++value) {
    seen += histogram[value];
    if (2 * seen >= total) return value;
  }
  return 128;
}

std::pair<double, double> thresholds_for(const cv::Mat& grey, const cv::Mat& mask, const EdgeMapOptions& options) {
  if (options.low_threshold && options.high_threshold) return {*options.low_threshold, *options.high_threshold};
  const double median = masked_median(grey, mask);
  // Dark products have a low median; a floor keeps noise out of their edge maps.
  const double low = std::max(10.0, (1.0 - options.sigma) * median);
  const double high = std::clamp((1.0 + options.sigma) * median, low + 10.0, 255.0);
  return {low, high};
}

}  // namespace

std::pair<double, double> edge_thresholds(const cv::Mat& product_bgr, const cv::Mat& mask, const EdgeMapOptions& options) {
  return thresholds_for(smoothed_grey(product_bgr), mask, options);
}

cv::Mat edge_map(const cv::Mat& product_bgr, const cv::Mat& mask, const EdgeMapOptions& options) {
  if (product_bgr.type() != CV_8UC3 || mask.type() != CV_8UC1 || product_bgr.size() != mask.size()) {
    throw ImageError("edge map: expected an 8-bit colour image and a mask of the same size");
  }
  cv::Mat edges = cv::Mat::zeros(mask.size(), CV_8UC1);
  const cv::Rect box = cv::boundingRect(mask);
  if (box.empty()) return edges;
  // Only the product's surroundings can hold edges: work there (the blur and Canny need a few
  // pixels beyond the dilated mask).
  const int reach = options.mask_dilation + 4;
  const cv::Rect roi = (box + cv::Size(2 * reach, 2 * reach) - cv::Point(reach, reach)) & cv::Rect(0, 0, mask.cols, mask.rows);
  const cv::Mat grey = smoothed_grey(product_bgr(roi));
  const auto [low, high] = thresholds_for(grey, mask(roi), options);
  cv::Mat found, near_product;
  cv::Canny(grey, found, low, high);
  const int size = 2 * options.mask_dilation + 1;
  cv::dilate(mask(roi), near_product, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(size, size)));
  found.copyTo(edges(roi), near_product);
  return edges;
}

}  // namespace backdrop::imaging
