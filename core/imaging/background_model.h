#pragma once
// What the background of a product photo looks like, learned from the image border: its colour
// in CIELAB and how plain it is. Studio photos have a border that is almost all one colour;
// scenes (rooms, streets, shelves) do not.

#include <opencv2/core.hpp>

namespace backdrop::imaging {

struct BorderBackground {
  cv::Vec3f lab;                // median border colour, CIELAB (L 0..100)
  double plain_fraction = 0;    // share of border pixels within `kPlainTolerance` of `lab`
  double spread = 0;            // 90th percentile distance of those pixels to `lab` (noise, gradient)
  double lightness_spread = 0;  // 90th percentile |L - L_median| over the whole border
};

// Distance in CIELAB within which a border pixel counts as the background colour.
inline constexpr double kPlainTolerance = 12.0;

// `lab` is CV_32FC3 (from cv::cvtColor of a float BGR image in 0..1).
BorderBackground estimate_border_background(const cv::Mat& lab);

// Per-pixel CIELAB distance to the background colour (CV_32FC1).
cv::Mat lab_distance(const cv::Mat& lab, const cv::Vec3f& background_lab);

// Per-pixel distance to the background colour (CV_32FC1): the CIELAB distance, or, when smaller,
// the distance to the backdrop in shadow. A shadow scales the backdrop's RGB by a factor
// (down to `kDeepestShadow`), so it keeps the backdrop's chromaticity even where its Lab values
// move (a saturated backdrop loses chroma in shadow).
cv::Mat shadow_tolerant_distance(const cv::Mat& bgr, const cv::Mat& lab, const cv::Vec3f& background_lab);

// Darkest shadow that still counts as backdrop: RGB scaled by this factor.
inline constexpr double kDeepestShadow = 0.35;

}  // namespace backdrop::imaging
