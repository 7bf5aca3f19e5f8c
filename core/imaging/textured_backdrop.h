#pragma once
// Products in front of a light textured backdrop (a painted brick or tiled wall). Region growing
// from the border stops at every mortar line there, so the wall ends up in the mask; instead the
// border band's few colours (brick, mortar, shade) are learned and the product is what is far in
// colour from all of them. Such a mask is never trusted on its own: the plain-background segmenter
// caps its confidence, so that a person checks it.

#include <opencv2/core.hpp>

namespace backdrop::imaging {

// Share of edge pixels (Canny at `low`/`high`) in the border band of `bgr` (CV_8UC3, working size):
// near zero for a studio sweep, a tenth or more for a brick wall.
double border_edge_density(const cv::Mat& bgr, double low, double high);

// The product mask (CV_8UC1) of `bgr` (CV_8UC3, working size): pixels at least `min_distance`
// (CIELAB) from every colour of the border band, opened, the large components kept, holes filled
// and the outline refined with GrabCut.
cv::Mat segment_by_border_colours(const cv::Mat& bgr, double min_distance);

}  // namespace backdrop::imaging
