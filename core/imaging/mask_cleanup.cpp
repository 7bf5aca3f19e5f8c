#include "core/imaging/mask_cleanup.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace backdrop::imaging {
namespace {

// Background components (of `background`, CV_8UC1) that touch the image border.
cv::Mat connected_to_border(const cv::Mat& background) {
  cv::Mat labels;
  const int count = cv::connectedComponents(background, labels, 4, CV_32S);
  std::vector<uint8_t> touches(count, 0);
  for (int x = 0; x < labels.cols; ++x) {
    touches[labels.at<int>(0, x)] = 1;
    touches[labels.at<int>(labels.rows - 1, x)] = 1;
  }
  for (int y = 0; y < labels.rows; ++y) {
    touches[labels.at<int>(y, 0)] = 1;
    touches[labels.at<int>(y, labels.cols - 1)] = 1;
  }
  touches[0] = 0;  // label 0 is the product itself
  cv::Mat outside(labels.size(), CV_8UC1);
  for (int y = 0; y < labels.rows; ++y) {
    for (int x = 0; x < labels.cols; ++x) outside.at<uint8_t>(y, x) = touches[labels.at<int>(y, x)] ? 255 : 0;
  }
  return outside;
}

double quartile_of(std::vector<float>& values) {
  auto at = values.begin() + values.size() / 4;
  std::nth_element(values.begin(), at, values.end());
  return *at;
}

}  // namespace

cv::Mat fill_enclosed_holes(const cv::Mat& mask, const cv::Mat& background_like, int min_see_through_area) {
  CV_Assert(mask.type() == CV_8UC1 && background_like.type() == CV_8UC1 && mask.size() == background_like.size());
  const cv::Mat outside = connected_to_border(mask == 0);

  // Candidates: enclosed holes, and backdrop-coloured patches inside the product.
  const cv::Mat candidates = ((mask == 0) | background_like) & ~outside;
  cv::Mat labels, stats, centroids;
  const int count = cv::connectedComponentsWithStats(candidates, labels, stats, centroids, 4, CV_32S);

  // Patches that touch the outside are part of the product's rim (the region growing already
  // decided they are not background), never holes.
  cv::Mat near_outside;
  cv::dilate(outside, near_outside, cv::Mat());
  std::vector<uint8_t> touches_outside(count, 0);
  std::vector<int> backdrop_pixels(count, 0);
  std::vector<std::vector<float>> enclosure_thickness(count);

  // Distance to the outside background; on a hole's edge it is the thickness of the product
  // around it: small all round for a strap loop, large for a logo in the middle of a shirt.
  cv::Mat to_outside;
  cv::distanceTransform(outside == 0, to_outside, cv::DIST_L2, 3);
  cv::Mat eroded;
  cv::erode(candidates, eroded, cv::Mat());
  const cv::Mat candidate_edge = candidates & ~eroded;

  for (int y = 0; y < mask.rows; ++y) {
    for (int x = 0; x < mask.cols; ++x) {
      const int label = labels.at<int>(y, x);
      if (label == 0) continue;
      if (near_outside.at<uint8_t>(y, x)) touches_outside[label] = 1;
      if (background_like.at<uint8_t>(y, x)) ++backdrop_pixels[label];
      if (candidate_edge.at<uint8_t>(y, x)) enclosure_thickness[label].push_back(to_outside.at<float>(y, x));
    }
  }

  // A see-through gap is smaller than the product around it; a "hole" larger than all the
  // product's own pixels is a pale product inside a darker outline (a white shirt).
  const int product_pixels = cv::countNonZero(mask & ~candidates);
  std::vector<uint8_t> see_through(count, 0);
  for (int label = 1; label < count; ++label) {
    const int area = stats.at<int>(label, cv::CC_STAT_AREA);
    if (touches_outside[label] || area < min_see_through_area || enclosure_thickness[label].empty()) continue;
    if (area > product_pixels / 2) continue;
    const bool looks_like_backdrop = backdrop_pixels[label] >= 0.9 * area;
    // A quarter of the hole's edge is enough: a mug handle encloses its hole on one side only.
    const bool thinly_enclosed = quartile_of(enclosure_thickness[label]) <= 0.5 * std::sqrt(double(area)) + 2.0;
    see_through[label] = looks_like_backdrop && thinly_enclosed;
  }

  cv::Mat filled = mask.clone();
  for (int y = 0; y < mask.rows; ++y) {
    for (int x = 0; x < mask.cols; ++x) {
      const int label = labels.at<int>(y, x);
      if (label != 0) filled.at<uint8_t>(y, x) = see_through[label] ? 0 : 255;
    }
  }
  return filled;
}

cv::Mat remove_detached_shadows(const cv::Mat& mask, const cv::Mat& shadow_like) {
  cv::Mat labels, stats, centroids;
  const int count = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
  if (count <= 2) return mask;
  int largest = 1;
  for (int label = 2; label < count; ++label) {
    if (stats.at<int>(label, cv::CC_STAT_AREA) > stats.at<int>(largest, cv::CC_STAT_AREA)) largest = label;
  }
  std::vector<int> shadow_pixels(count, 0);
  for (int y = 0; y < mask.rows; ++y) {
    for (int x = 0; x < mask.cols; ++x) {
      if (shadow_like.at<uint8_t>(y, x)) ++shadow_pixels[labels.at<int>(y, x)];
    }
  }
  cv::Mat kept = mask.clone();
  for (int label = 1; label < count; ++label) {
    const bool below = centroids.at<double>(label, 1) > centroids.at<double>(largest, 1);
    const bool shadow = shadow_pixels[label] >= 0.9 * stats.at<int>(label, cv::CC_STAT_AREA);
    if (label != largest && below && shadow) kept.setTo(0, labels == label);
  }
  return kept;
}

cv::Mat remove_small_components(const cv::Mat& mask, double min_fraction) {
  cv::Mat labels, stats, centroids;
  const int count = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
  int largest = 0;
  for (int label = 1; label < count; ++label) largest = std::max(largest, stats.at<int>(label, cv::CC_STAT_AREA));
  std::vector<uint8_t> keep(count, 0);
  for (int label = 1; label < count; ++label) keep[label] = stats.at<int>(label, cv::CC_STAT_AREA) >= min_fraction * largest;
  cv::Mat cleaned(mask.size(), CV_8UC1);
  for (int y = 0; y < mask.rows; ++y) {
    for (int x = 0; x < mask.cols; ++x) cleaned.at<uint8_t>(y, x) = keep[labels.at<int>(y, x)] ? 255 : 0;
  }
  return cleaned;
}

}  // namespace backdrop::imaging
