#include "core/imaging/studio_backdrop.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/imaging/colour_space.h"
#include "core/imaging/compositing.h"

namespace backdrop::imaging {
namespace {

// Lightness change from top to bottom of a gradient backdrop, CIELAB units.
constexpr float kGradientTopLift = 6.f;
constexpr float kGradientFloorDrop = 10.f;

// A shadow the shape of the product's footprint: the bottom of its mask squashed flat and
// blurred, plus a wider, fainter ellipse; values 0..1.
cv::Mat contact_shadow(const PlacedProduct& placed) {
  const cv::Rect box = placed.transform.canvas_box;
  cv::Mat shadow = cv::Mat::zeros(placed.mask.size(), CV_32FC1);
  if (box.empty()) return shadow;
  const cv::Point centre(box.x + box.width / 2, box.y + box.height);
  const int half_width = std::max(2, box.width * 9 / 20);
  const int half_height = std::max(1, std::min(box.width, box.height) / 14);
  cv::ellipse(shadow, centre, cv::Size(half_width, half_height), 0, 0, 360, cv::Scalar(0.6), cv::FILLED);
  cv::ellipse(shadow, centre, cv::Size(half_width * 7 / 10, std::max(1, half_height / 2)), 0, 0, 360,
              cv::Scalar(1.0), cv::FILLED);
  const double blur = std::max(1.5, half_height * 0.8);
  cv::GaussianBlur(shadow, shadow, cv::Size(), blur);
  return shadow;
}

}  // namespace

cv::Mat render_backdrop(const cv::Size& size, const StudioOptions& options) {
  if (!options.gradient) return cv::Mat(size, CV_8UC3, cv::Scalar(options.colour[0], options.colour[1], options.colour[2]));
  const cv::Vec3f base = lab_of(options.colour);
  cv::Mat backdrop(size, CV_8UC3);
  for (int y = 0; y < size.height; ++y) {
    const float t = size.height > 1 ? static_cast<float>(y) / (size.height - 1) : 0.f;
    cv::Vec3f lab = base;
    lab[0] = std::clamp(base[0] + kGradientTopLift * (1 - t) - kGradientFloorDrop * t * t, 0.f, 100.f);
    backdrop.row(y).setTo(cv::Scalar(bgr_of(lab)[0], bgr_of(lab)[1], bgr_of(lab)[2]));
  }
  return backdrop;
}

cv::Mat render_studio_backdrop(const PlacedProduct& placed, const StudioOptions& options) {
  cv::Mat backdrop = render_backdrop(placed.mask.size(), options);
  if (options.shadow_strength > 0) {
    const cv::Mat shadow = contact_shadow(placed);
    cv::Mat lit;
    backdrop.convertTo(lit, CV_32FC3);
    cv::Mat darkening;
    cv::merge(std::vector<cv::Mat>(3, 1.0 - options.shadow_strength * shadow), darkening);
    lit = lit.mul(darkening);
    lit.convertTo(backdrop, CV_8UC3);
  }
  return composite_product(placed, backdrop);
}

}  // namespace backdrop::imaging
