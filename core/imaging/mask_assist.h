#pragma once
// Help for masks made by hand in the Studio: the product inside a box the user drew around it,
// found by GrabCut (colour models of the box's inside and its surroundings). The user then fixes
// what it got wrong with the brush.

#include <opencv2/core.hpp>

namespace backdrop::imaging {

struct BoxMaskOptions {
  // GrabCut rounds: fewer leave patches of a textured wall in (a t-shirt on white brick), more
  // hardly move the outline.
  int iterations = 5;
  // GrabCut sees the box scaled to at most this long side and the mask is scaled back, so its
  // time (about a second, bench_mask_assist) hardly depends on the photo's size.
  int working_side = 512;
  double margin = 0.1;              // background sampled around the box, as a fraction of its size
  double min_part_fraction = 0.02;  // parts smaller than this fraction of the largest are specks
};

// `bgr` CV_8UC3; `box` in its pixels (clipped to the image). Returns CV_8UC1 of the photo's size:
// 255 on the product found in the box, 0 elsewhere (always 0 outside the box). Throws ImageError
// when the box misses the image, or covers all of it (GrabCut needs background to learn from).
cv::Mat mask_from_box(const cv::Mat& bgr, cv::Rect box, const BoxMaskOptions& options = {});

}  // namespace backdrop::imaging
