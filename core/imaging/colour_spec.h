#pragma once
// The colours a person asks variants to be made in, as the CLI, the Studio and planning take them:
//   "none"                    no colour hint (the background is left to the prompt);
//   "palette" / "palette:N"   the product's first N background suggestions (its palette's harmonies);
//   "#rrggbb" or a colour name a fixed brand colour (core/common/colour.h reads it).
// One reader for every front-end, so "palette:1" means the same colour to each of them.

#include <cstddef>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace backdrop::imaging {

struct ColourSpec {
  enum class Kind { none, palette, fixed };
  Kind kind = Kind::none;
  size_t count = 1;  // palette: how many suggestions
  cv::Vec3b bgr;     // fixed
  std::string text;  // as written, for messages
};

struct SpecifiedColour {
  cv::Vec3b bgr;
  std::string name;  // for prompts, e.g. "navy blue"
};

// Throws std::invalid_argument naming the text when it is none of the forms above.
ColourSpec parse_colour_spec(const std::string& text);

// The colours a spec gives for a product: none for "none", the fixed colour, or the first N
// background suggestions of the product's palette (`product_bgr` CV_8UC3 and its mask CV_8UC1 are
// read only for a palette spec; ImageError when the mask is empty).
std::vector<SpecifiedColour> resolve_colour_spec(const ColourSpec& spec, const cv::Mat& product_bgr,
                                                 const cv::Mat& product_mask);

}  // namespace backdrop::imaging
