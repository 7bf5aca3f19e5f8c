#include "core/imaging/placement.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <regex>
#include <sstream>

#include <opencv2/imgproc.hpp>

#include "core/imaging/image_error.h"

namespace backdrop::imaging {
namespace {

// Room for the soft edge around the product's box when cropping.
constexpr int kCropPadding = 4;

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  const auto last = text.find_last_not_of(" \t");
  return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

// The scale that makes the product's box fill the placement's share of the canvas on its limiting
// side, or else the largest that fits it into the usable canvas at the rule's fill.
double fitting_scale(const cv::Size& box, const Placement& placement, const LayoutRule& rule) {
  if (placement.position.scale) {
    return *placement.position.scale * std::min(static_cast<double>(placement.width) / box.width,
                                                static_cast<double>(placement.height) / box.height);
  }
  const double usable_width = placement.width * (1 - 2 * rule.margin);
  const double usable_height = placement.height * (1 - 2 * rule.margin);
  return rule.fill * std::min(usable_width / box.width, usable_height / box.height);
}

// Top-left of the scaled box on the canvas by the rule's anchor.
cv::Point2d anchored_origin(const cv::Size2d& scaled, const Placement& placement, const LayoutRule& rule) {
  const double x = (placement.width - scaled.width) / 2;
  if (rule.anchor == Anchor::Center) return {x, (placement.height - scaled.height) / 2};
  // Floor: the bottom stands on the floor line, unless that pushes the top into the margin.
  const double top = placement.height * rule.floor_line - scaled.height;
  return {x, std::max(top, placement.height * rule.margin)};
}

// The origin along one side that keeps a box of `length` on a canvas of `side` (when it fits).
double kept_on_canvas(double origin, double length, int side) {
  return std::clamp(origin, 0.0, std::max(0.0, side - length));
}

// Top-left of the scaled box: the placement's centre where it sets one, else the rule's anchor;
// moved inward when the box would leave the canvas (the product is never cut off).
cv::Point2d box_origin(const cv::Size2d& scaled, const Placement& placement, const LayoutRule& rule,
                       std::vector<std::string>& warnings) {
  cv::Point2d origin = anchored_origin(scaled, placement, rule);
  const auto& position = placement.position;
  if (position.x) origin.x = *position.x * placement.width - scaled.width / 2;
  if (position.y) origin.y = *position.y * placement.height - scaled.height / 2;
  const cv::Point2d kept(kept_on_canvas(origin.x, scaled.width, placement.width),
                         kept_on_canvas(origin.y, scaled.height, placement.height));
  if (std::abs(kept.x - origin.x) > 0.5 || std::abs(kept.y - origin.y) > 0.5) {
    warnings.push_back(placement.id + ": the product's position would cut it off the canvas; moved inward");
  }
  return kept;
}

cv::Mat resample(const cv::Mat& source, const cv::Size& size, double scale) {
  cv::Mat out;
  cv::resize(source, out, size, 0, 0, scale < 1 ? cv::INTER_AREA : cv::INTER_LANCZOS4);
  return out;
}

}  // namespace

std::vector<Placement> default_placements() {
  return {{"square", 1080, 1080},    {"landscape", 1200, 628},  {"portrait", 1080, 1350}, {"story", 1080, 1920},
          {"medium-rectangle", 300, 250}, {"leaderboard", 728, 90}, {"skyscraper", 160, 600}};
}

std::vector<Placement> parse_placements(const std::string& list) {
  static const std::regex size_pattern(R"((\d{1,5})x(\d{1,5}))");
  const auto defaults = default_placements();
  std::vector<Placement> placements;
  std::stringstream stream(list);
  std::string item;
  while (std::getline(stream, item, ',')) {
    item = trim(item);
    if (item.empty()) continue;
    const auto equals = item.find('=');
    const std::string id = equals == std::string::npos ? item : trim(item.substr(0, equals));
    const std::string size = equals == std::string::npos ? item : trim(item.substr(equals + 1));
    std::smatch match;
    if (std::regex_match(size, match, size_pattern)) {
      const Placement placement{id, std::stoi(match[1]), std::stoi(match[2])};
      if (placement.width < 16 || placement.height < 16) {
        throw ImageError("placement '" + item + "': canvases must be at least 16x16 pixels");
      }
      placements.push_back(placement);
      continue;
    }
    const auto known = std::find_if(defaults.begin(), defaults.end(), [&](const Placement& p) { return p.id == id; });
    if (equals != std::string::npos || known == defaults.end()) {
      throw ImageError("placement '" + item + "': expected a known id (square, landscape, portrait, story, "
                       "medium-rectangle, leaderboard, skyscraper), WxH or id=WxH");
    }
    placements.push_back(*known);
  }
  if (placements.empty()) throw ImageError("no placements given");
  return placements;
}

PlacedProduct place_product(const cv::Mat& image, const Segmentation& segmentation, const Placement& placement,
                            const LayoutRule& rule) {
  CV_Assert(image.type() == CV_8UC3 && segmentation.mask.size() == image.size());
  const cv::Rect box = cv::boundingRect(segmentation.mask);
  if (box.empty()) throw ImageError("cannot place the product: its mask is empty");
  if (const auto problem = position_problem(placement.position)) {
    throw ImageError("placement '" + placement.id + "': " + *problem);
  }

  PlacedProduct placed;
  placed.placement = placement;
  double scale = fitting_scale(box.size(), placement, rule);
  if (scale > rule.max_upscale) {
    char warning[200];
    std::snprintf(warning, sizeof warning,
                  "%s: the product would need %.1fx enlargement; limited to %.1fx (the photo is too small for "
                  "this canvas)",
                  placement.id.c_str(), scale, rule.max_upscale);
    placed.warnings.emplace_back(warning);
    scale = rule.max_upscale;
  }

  // Crop with a little padding so that the soft edge is resampled too, then scale the crop.
  const cv::Rect crop = cv::Rect(box.x - kCropPadding, box.y - kCropPadding, box.width + 2 * kCropPadding,
                                 box.height + 2 * kCropPadding) &
                        cv::Rect(0, 0, image.cols, image.rows);
  const cv::Size scaled_size(std::max(1, static_cast<int>(std::lround(crop.width * scale))),
                             std::max(1, static_cast<int>(std::lround(crop.height * scale))));
  const cv::Point2d origin =
      box_origin(cv::Size2d(box.width * scale, box.height * scale), placement, rule, placed.warnings);
  // Whole-pixel offset: the resampled pixels land on the canvas unshifted.
  const cv::Point crop_origin(static_cast<int>(std::lround(origin.x - (box.x - crop.x) * scale)),
                              static_cast<int>(std::lround(origin.y - (box.y - crop.y) * scale)));

  const cv::Mat product = resample(image(crop), scaled_size, scale);
  const cv::Mat alpha = resample(segmentation.alpha(crop), scaled_size, scale);

  placed.product = cv::Mat::zeros(placement.height, placement.width, CV_8UC3);
  placed.alpha = cv::Mat::zeros(placement.height, placement.width, CV_8UC1);
  const cv::Rect target = cv::Rect(crop_origin, scaled_size) & cv::Rect(0, 0, placement.width, placement.height);
  if (!target.empty()) {
    const cv::Rect source(target.tl() - crop_origin, target.size());
    product(source).copyTo(placed.product(target));
    alpha(source).copyTo(placed.alpha(target));
  }
  placed.mask = placed.alpha >= 128;

  placed.transform.scale = scale;
  placed.transform.offset = cv::Point2d(crop_origin.x - crop.x * scale, crop_origin.y - crop.y * scale);
  placed.transform.source_box = box;
  placed.transform.canvas_box = cv::boundingRect(placed.mask);
  return placed;
}

}  // namespace backdrop::imaging
