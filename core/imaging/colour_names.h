#pragma once
// Human-readable names for colours, for prompts and people: the nearest entry (in CIELAB) of a
// small table of everyday colour names.

#include <string>

#include <opencv2/core.hpp>

namespace backdrop::imaging {

// Name of the named colour nearest to `lab`, e.g. "navy blue", "off-white", "olive green".
std::string colour_name(const cv::Vec3f& lab);

// "#rrggbb" for a BGR colour.
std::string hex_colour(const cv::Vec3b& bgr);

}  // namespace backdrop::imaging
