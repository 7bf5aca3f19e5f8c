#pragma once
// The studio backdrop: a solid or gradient background in a chosen colour, a soft contact shadow
// under the product and the product composited on top. Needs no model weights; it is the
// "product on colour" variant and the fallback when no diffusion weights are set.

#include <opencv2/core.hpp>

#include "core/imaging/placement.h"

namespace backdrop::imaging {

struct StudioOptions {
  cv::Vec3b colour{235, 235, 235};  // BGR
  bool gradient = true;             // lighter at the top, a little darker at the floor
  double shadow_strength = 0.35;    // 0 = no contact shadow
};

// The background alone (CV_8UC3, the canvas size), before shadow and product.
cv::Mat render_backdrop(const cv::Size& size, const StudioOptions& options);

// Backdrop + contact shadow + product (via composite_product).
cv::Mat render_studio_backdrop(const PlacedProduct& placed, const StudioOptions& options);

}  // namespace backdrop::imaging
