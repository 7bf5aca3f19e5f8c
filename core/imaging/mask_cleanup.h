#pragma once
// Tidying a product mask after segmentation.

#include <opencv2/core.hpp>

namespace backdrop::imaging {

// Fills holes in the product (background not connected to the image border, and backdrop-coloured
// patches enclosed by the product), except holes that
// are background seen through a thin part of the product, such as the loop of a handbag strap:
// they look like the backdrop (`background_like`, CV_8UC1) and lie close to the outside
// background all round. A logo on a shirt is far from the outside, so it is filled. Holes smaller
// than `min_see_through_area` pixels are always filled.
cv::Mat fill_enclosed_holes(const cv::Mat& mask, const cv::Mat& background_like, int min_see_through_area);

// Removes detached shadows: components other than the largest that lie below its centre and
// are mostly `shadow_like` (CV_8UC1: backdrop colour in shadow), such as the soft shadow a
// floating product casts on the floor of the backdrop.
cv::Mat remove_detached_shadows(const cv::Mat& mask, const cv::Mat& shadow_like);

// Removes specks: product components smaller than `min_fraction` of the largest one.
cv::Mat remove_small_components(const cv::Mat& mask, double min_fraction);

}  // namespace backdrop::imaging
