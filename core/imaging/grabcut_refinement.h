#pragma once
// GrabCut as an edge refiner: it re-decides only the pixels near a mask's outline, keeping the
// sure inside and the far outside fixed. The plain-background segmenter and the learned route both
// refine their masks with it.

#include <opencv2/core.hpp>

namespace backdrop::imaging {

// Pixels within `band` of the edge of `mask` (CV_8UC1, 255 = product) are decided by GrabCut on
// `bgr` with `iterations` rounds; returns the refined mask (the input unchanged when there is
// nothing to decide or no backdrop sample).
cv::Mat refine_edge_with_grabcut(const cv::Mat& bgr, const cv::Mat& mask, int band, int iterations);

}  // namespace backdrop::imaging
