#pragma once
// Grows the background inwards from the image border: a pixel joins when it is close enough to
// the background colour and differs little from the neighbour that reached it. Soft shadows and
// lighting gradients change slowly and are absorbed; a product's edge is a step and stops it.

#include <opencv2/core.hpp>

namespace backdrop::imaging {

struct GrowthLimits {
  float seed_distance = 8;   // border pixels closer than this to the background start the growth
  float max_distance = 24;   // no pixel farther than this from the background colour joins
  float max_step = 5;        // largest colour change (CIELAB) between neighbours along the way
};

// `lab` CV_32FC3, `distance` CV_32FC1 (distance to the background colour), `walls` CV_8UC1 edge
// pixels the growth never enters (8-connected edge lines cannot be crossed: the growth moves
// 4-connected). Returns CV_8UC1, 255 where the background reached.
cv::Mat grow_background_from_border(const cv::Mat& lab, const cv::Mat& distance, const cv::Mat& walls,
                                    const GrowthLimits& limits);

}  // namespace backdrop::imaging
