#pragma once
// The one compositing rule every generator uses: the original (placed) product pixels inside the
// mask, the generated background outside, and a feathered edge from the soft alpha in between.
// Inside the mask eroded by the feather width the output is the placed product, bit for bit; in the
// edge band the product's colour is decontaminated of the old backdrop first (edge_decontamination.h).

#include <opencv2/core.hpp>

#include "core/imaging/placement.h"

namespace backdrop::imaging {

// Width in pixels of the band around the mask edge where the soft alpha blends.
inline constexpr int kFeatherWidth = 2;

// `background` is CV_8UC3 of the placement's size. Returns CV_8UC3.
cv::Mat composite_product(const PlacedProduct& placed, const cv::Mat& background);

// The per-pixel product weight (CV_8UC1, 255 = product) that composite_product uses.
cv::Mat compositing_weight(const PlacedProduct& placed);

}  // namespace backdrop::imaging
