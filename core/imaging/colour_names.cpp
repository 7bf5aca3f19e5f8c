#include "core/imaging/colour_names.h"

#include <array>
#include <cstdio>
#include <limits>
#include <vector>

#include "core/imaging/colour_space.h"

namespace backdrop::imaging {
namespace {

struct NamedColour {
  const char* name;
  uint8_t r, g, b;
};

// Everyday names a copywriter would use; roughly even coverage of hue, lightness and chroma.
constexpr std::array kNamedColours{
    NamedColour{"black", 0, 0, 0},          NamedColour{"charcoal", 54, 69, 79},
    NamedColour{"dark grey", 90, 90, 90},   NamedColour{"grey", 128, 128, 128},
    NamedColour{"silver", 192, 192, 192},   NamedColour{"light grey", 220, 220, 220},
    NamedColour{"white", 255, 255, 255},    NamedColour{"off-white", 245, 242, 232},
    NamedColour{"ivory", 255, 250, 225},    NamedColour{"cream", 255, 239, 200},
    NamedColour{"beige", 225, 205, 170},    NamedColour{"sand", 194, 178, 128},
    NamedColour{"tan", 210, 170, 120},      NamedColour{"camel", 193, 140, 80},
    NamedColour{"brown", 120, 72, 40},      NamedColour{"chocolate", 75, 45, 25},
    NamedColour{"taupe", 140, 125, 110},    NamedColour{"maroon", 110, 20, 30},
    NamedColour{"burgundy", 128, 0, 50},    NamedColour{"red", 210, 30, 35},
    NamedColour{"coral", 250, 120, 95},     NamedColour{"salmon", 250, 150, 130},
    NamedColour{"pink", 245, 160, 190},     NamedColour{"blush pink", 240, 200, 200},
    NamedColour{"hot pink", 230, 50, 140},  NamedColour{"magenta", 200, 30, 170},
    NamedColour{"plum", 120, 50, 100},      NamedColour{"purple", 110, 50, 160},
    NamedColour{"lavender", 190, 170, 230}, NamedColour{"violet", 140, 90, 210},
    NamedColour{"navy blue", 20, 30, 90},   NamedColour{"royal blue", 40, 80, 200},
    NamedColour{"blue", 30, 110, 230},      NamedColour{"sky blue", 135, 195, 235},
    NamedColour{"pale blue", 200, 225, 245}, NamedColour{"steel blue", 70, 110, 150},
    NamedColour{"teal", 0, 120, 125},       NamedColour{"turquoise", 60, 200, 200},
    NamedColour{"mint green", 170, 230, 190}, NamedColour{"sage green", 150, 170, 130},
    NamedColour{"olive green", 110, 115, 50}, NamedColour{"forest green", 35, 85, 45},
    NamedColour{"green", 40, 160, 70},      NamedColour{"lime green", 150, 210, 50},
    NamedColour{"mustard yellow", 210, 170, 40}, NamedColour{"yellow", 250, 215, 40},
    NamedColour{"lemon yellow", 250, 245, 130}, NamedColour{"gold", 200, 160, 60},
    NamedColour{"orange", 240, 130, 30},    NamedColour{"peach", 250, 200, 160},
    NamedColour{"rust", 170, 70, 30},       NamedColour{"terracotta", 200, 100, 70},
};

const std::vector<cv::Vec3f>& named_labs() {
  static const std::vector<cv::Vec3f> labs = [] {
    std::vector<cv::Vec3f> out;
    for (const auto& named : kNamedColours) out.push_back(lab_of(cv::Vec3b(named.b, named.g, named.r)));
    return out;
  }();
  return labs;
}

}  // namespace

std::string colour_name(const cv::Vec3f& lab) {
  const auto& labs = named_labs();
  size_t best = 0;
  double best_distance = std::numeric_limits<double>::max();
  for (size_t i = 0; i < labs.size(); ++i) {
    const double distance = delta_e(lab, labs[i]);
    if (distance < best_distance) {
      best_distance = distance;
      best = i;
    }
  }
  return kNamedColours[best].name;
}

std::string hex_colour(const cv::Vec3b& bgr) {
  char text[8];
  std::snprintf(text, sizeof text, "#%02x%02x%02x", bgr[2], bgr[1], bgr[0]);
  return text;
}

}  // namespace backdrop::imaging
