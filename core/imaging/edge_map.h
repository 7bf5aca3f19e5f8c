#pragma once
// The edge map ControlNet is conditioned on (and the GUI previews): Canny edges of the placed
// product, kept only within a few pixels of its mask so the background stays free.

#include <optional>

#include <opencv2/core.hpp>

namespace backdrop::imaging {

struct EdgeMapOptions {
  std::optional<double> low_threshold;   // both set: used as given; otherwise from the median
  std::optional<double> high_threshold;
  double sigma = 0.33;                   // automatic thresholds: median * (1 -/+ sigma)
  int mask_dilation = 3;                 // pixels beyond the mask where edges are kept
};

// The thresholds edge_map would use for this product.
std::pair<double, double> edge_thresholds(const cv::Mat& product_bgr, const cv::Mat& mask, const EdgeMapOptions& options);

// `product_bgr` CV_8UC3 and `mask` CV_8UC1 of the same size. Returns CV_8UC1, 255 on edges.
cv::Mat edge_map(const cv::Mat& product_bgr, const cv::Mat& mask, const EdgeMapOptions& options = {});

}  // namespace backdrop::imaging
