#include "core/imaging/colour_spec.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "core/common/colour.h"
#include "core/imaging/colour_names.h"
#include "core/imaging/colour_palette.h"
#include "core/imaging/colour_space.h"

namespace backdrop::imaging {
namespace {

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

size_t palette_count(const std::string& text) {
  if (text == "palette") return 1;
  const auto digits = text.substr(std::string("palette:").size());
  const bool whole_number = text[7] == ':' && !digits.empty() && digits.size() <= 3 &&
                            std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); });
  if (!whole_number || std::stoul(digits) == 0) {
    throw std::invalid_argument("colour '" + text + "': expected palette:N, N a whole number from 1");
  }
  return std::stoul(digits);
}

}  // namespace

ColourSpec parse_colour_spec(const std::string& text) {
  ColourSpec spec;
  spec.text = trimmed(text);
  if (spec.text == "none") return spec;
  if (spec.text.rfind("palette", 0) == 0) {
    spec.kind = ColourSpec::Kind::palette;
    spec.count = palette_count(spec.text);
    return spec;
  }
  const auto rgb = parse_colour(spec.text);
  if (!rgb) {
    throw std::invalid_argument("colour '" + spec.text + "': expected 'none', 'palette[:N]' or " + accepted_colours());
  }
  spec.kind = ColourSpec::Kind::fixed;
  spec.bgr = cv::Vec3b(rgb->b, rgb->g, rgb->r);
  return spec;
}

std::vector<SpecifiedColour> resolve_colour_spec(const ColourSpec& spec, const cv::Mat& product_bgr,
                                                 const cv::Mat& product_mask) {
  switch (spec.kind) {
    case ColourSpec::Kind::none:
      return {};
    case ColourSpec::Kind::fixed:
      return {{spec.bgr, colour_name(lab_of(spec.bgr))}};
    case ColourSpec::Kind::palette:
      break;
  }
  std::vector<SpecifiedColour> colours;
  for (const auto& suggestion : extract_palette(product_bgr, product_mask).backgrounds) {
    if (colours.size() == spec.count) break;
    colours.push_back({suggestion.colour.bgr, suggestion.colour.name});
  }
  return colours;
}

}  // namespace backdrop::imaging
