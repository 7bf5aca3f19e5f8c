#include "core/imaging/colour_names.h"

#include <limits>
#include <vector>

#include "core/common/colour.h"
#include "core/imaging/colour_space.h"

namespace backdrop::imaging {
namespace {

const std::vector<cv::Vec3f>& named_labs() {
  static const std::vector<cv::Vec3f> labs = [] {
    std::vector<cv::Vec3f> out;
    for (const auto& named : named_colours()) out.push_back(lab_of(cv::Vec3b(named.rgb.b, named.rgb.g, named.rgb.r)));
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
  return named_colours()[best].name;
}

std::string hex_colour(const cv::Vec3b& bgr) { return backdrop::hex_colour(Rgb{bgr[2], bgr[1], bgr[0]}); }

}  // namespace backdrop::imaging
