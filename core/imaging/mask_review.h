#pragma once
// Whether a mask can be used without a person looking at it. A segmenter's confidence is lowered
// for each sign of a wrong mask, the signs are listed as reasons, and a mask whose confidence ends
// below the threshold is "needs attention": it is never generated or pushed until a person accepts
// or repaints it. The signs:
//   - the mask touches the image border (a wall, a table or a person taken for the product),
//   - it has disconnected parts,
//   - a shadow-like region (backdrop colour, darker) lies along its underside.

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/imaging/segmentation.h"

namespace backdrop::imaging {

// The one default for the confidence threshold (Settings, the project and the CLI start from it).
inline constexpr double kDefaultConfidenceThreshold = 0.8;

struct MaskFinding {
  std::string reason;  // for people
  double factor = 1;   // what it does to the confidence
};

// The signs of a wrong mask in `mask` (CV_8UC1) over the photo `bgr` (CV_8UC3, same size).
std::vector<MaskFinding> find_mask_problems(const cv::Mat& bgr, const cv::Mat& mask);

// Applies the findings to a computed segmentation (hand-drawn masks and alpha channels are taken
// as they are): lowers its confidence, adds the reasons, and sets needs_attention when the
// confidence is below `threshold`.
void review_segmentation(const cv::Mat& bgr, Segmentation& segmentation, double threshold);

}  // namespace backdrop::imaging
