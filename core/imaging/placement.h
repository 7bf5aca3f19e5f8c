#pragma once
// Ad placements (canvas sizes) and positioning a segmented product on one: scaled by area
// averaging (down) or Lanczos (up), never beyond the rule's upscale limit, and placed by the
// category's layout rule. The product's pixels are only resampled, never otherwise changed.

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/imaging/layout_rules.h"
#include "core/imaging/segmentation.h"

namespace backdrop::imaging {

struct Placement {
  std::string id;
  int width = 0;
  int height = 0;
};

// 1080x1080, 1200x628, 1080x1350, 1080x1920, 300x250, 728x90, 160x600.
std::vector<Placement> default_placements();

// A comma-separated list; each item is a default placement's id, `WxH`, or `id=WxH`.
// Throws ImageError on an unknown id or a malformed size.
std::vector<Placement> parse_placements(const std::string& list);

// canvas = scale * source + offset, for source pixel coordinates.
struct PlacementTransform {
  double scale = 1;
  cv::Point2d offset;
  cv::Rect source_box;  // the product's bounding box in the source image
  cv::Rect canvas_box;  // where that box landed on the canvas
};

struct PlacedProduct {
  Placement placement;
  cv::Mat product;  // CV_8UC3 canvas-sized: the resampled product pixels (black where none)
  cv::Mat alpha;    // CV_8UC1 canvas-sized soft alpha
  cv::Mat mask;     // CV_8UC1 canvas-sized: alpha >= 128
  PlacementTransform transform;
  std::vector<std::string> warnings;  // e.g. the upscale limit was reached
};

// Places `image` (CV_8UC3) cut out by `segmentation` on `placement` following `rule`.
// Throws ImageError when the segmentation has no product pixels.
PlacedProduct place_product(const cv::Mat& image, const Segmentation& segmentation, const Placement& placement,
                            const LayoutRule& rule);

}  // namespace backdrop::imaging
