#pragma once
// Ad placements (canvas sizes) and positioning a segmented product on one: scaled by area
// averaging (down) or Lanczos (up), never beyond the rule's upscale limit, and placed by the
// category's layout rule unless the placement sets its own position. The product's pixels are only
// resampled, never otherwise changed, and the whole product stays on the canvas.

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/imaging/layout_rules.h"
#include "core/imaging/product_position.h"
#include "core/imaging/segmentation.h"

namespace backdrop::imaging {

struct Placement {
  std::string id;
  int width = 0;
  int height = 0;
  ProductPosition position{};  // unset parts: the layout rule's ({} spares {id, w, h} a warning)
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

// Places `image` (CV_8UC3) cut out by `segmentation` on `placement` following `rule`, where the
// placement's position does not say otherwise. A position that would push part of the product off
// the canvas is moved inward, with a warning. Throws ImageError when the segmentation has no product
// pixels or the position is out of range.
PlacedProduct place_product(const cv::Mat& image, const Segmentation& segmentation, const Placement& placement,
                            const LayoutRule& rule);

}  // namespace backdrop::imaging
