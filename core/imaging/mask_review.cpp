#include "core/imaging/mask_review.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <opencv2/imgproc.hpp>

#include "core/imaging/colour_space.h"

namespace backdrop::imaging {
namespace {

// The checks run at this long side: they are about shapes, not pixels.
constexpr int kReviewSize = 256;

std::string percent(double fraction) {
  return std::to_string(static_cast<int>(100 * fraction + 0.5)) + "%";
}

// Share of each image side covered by the mask; a product photo leaves a margin all round.
std::vector<MaskFinding> border_contact(const cv::Mat& mask) {
  const cv::Mat sides[] = {mask.row(0), mask.row(mask.rows - 1), mask.col(0), mask.col(mask.cols - 1)};
  const char* names[] = {"top", "bottom", "left", "right"};
  std::string touched;
  int count = 0;
  double covered = 0;
  for (int i = 0; i < 4; ++i) {
    const double share = cv::countNonZero(sides[i]) / static_cast<double>(sides[i].total());
    covered += share * static_cast<double>(sides[i].total());
    if (share < 0.05) continue;
    touched += (count++ > 0 ? ", " : "") + std::string(names[i]);
  }
  if (count == 0) return {};
  const double perimeter = 2.0 * (mask.rows + mask.cols);
  const bool patch = count >= 2 || covered / perimeter > 0.15;
  return {{"the mask touches the image border (" + touched + ", " + percent(covered / perimeter) +
               " of it): a wall, a table or a person may be taken for the product",
           patch ? 0.6 : 0.85}};
}

std::vector<MaskFinding> disconnected_parts(const cv::Mat& mask) {
  cv::Mat labels, stats, centroids;
  const int parts = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8) - 1;
  if (parts <= 1) return {};
  return {{"the mask has " + std::to_string(parts) + " disconnected parts", 0.9}};
}

// Backdrop-coloured but darker, and unlike the product: the chroma of the backdrop (the unmasked
// border) with a lower lightness, far in colour from the product's own interior. A shadow attached
// under the product shows as such pixels along its underside. (A grey or white product is its own
// shadow's colour; its underside is not counted, which is why the product's colour matters.)
cv::Mat shadow_coloured(const cv::Mat& lab, const cv::Mat& mask, const cv::Mat& interior) {
  cv::Mat border = cv::Mat::zeros(mask.size(), CV_8UC1);
  cv::rectangle(border, cv::Rect(0, 0, mask.cols, mask.rows), 255, 2);
  border &= ~mask;
  if (cv::countNonZero(border) < 16 || cv::countNonZero(interior) == 0) return {};
  const cv::Scalar backdrop = cv::mean(lab, border);
  const cv::Scalar product = cv::mean(lab, interior);
  std::vector<cv::Mat> channels;
  cv::split(lab, channels);
  const cv::Mat chroma_close = (cv::abs(channels[1] - backdrop[1]) < 5) & (cv::abs(channels[2] - backdrop[2]) < 5);
  const cv::Mat darker = (channels[0] < backdrop[0] - 6) & (channels[0] > backdrop[0] - 45);
  cv::Mat from_product = cv::Mat::zeros(mask.size(), CV_32F);
  for (int c = 0; c < 3; ++c) {
    cv::Mat difference = channels[c] - product[c];
    from_product += difference.mul(difference);
  }
  return chroma_close & darker & (from_product > 15 * 15);
}

std::vector<MaskFinding> shadow_under_product(const cv::Mat& bgr, const cv::Mat& mask) {
  // The underside: mask pixels near its outline, below its centre; the interior: the rest.
  cv::Mat distance;
  cv::distanceTransform(mask, distance, cv::DIST_L2, 3);
  const cv::Moments moments = cv::moments(mask, true);
  if (moments.m00 == 0) return {};
  const float rim_width = static_cast<float>(std::max(3, mask.rows / 25));
  cv::Mat underside = (distance > 0) & (distance < rim_width);
  underside.rowRange(0, static_cast<int>(moments.m01 / moments.m00)).setTo(0);
  const int rim = cv::countNonZero(underside);
  const cv::Mat shadowy = shadow_coloured(bgr_to_lab(bgr), mask, distance >= rim_width);
  if (rim == 0 || shadowy.empty()) return {};
  const double share = cv::countNonZero(underside & shadowy) / static_cast<double>(rim);
  if (share < 0.3) return {};
  return {{"a shadow-like region lies under the product (" + percent(share) + " of its lower edge)", 0.75}};
}

cv::Mat at_review_size(const cv::Mat& image, int interpolation) {
  const double scale = std::min(1.0, kReviewSize / static_cast<double>(std::max(image.rows, image.cols)));
  if (scale >= 1.0) return image;
  cv::Mat small;
  cv::resize(image, small, cv::Size(), scale, scale, interpolation);
  return small;
}

}  // namespace

std::vector<MaskFinding> find_mask_problems(const cv::Mat& bgr, const cv::Mat& mask) {
  CV_Assert(bgr.type() == CV_8UC3 && mask.type() == CV_8UC1 && bgr.size() == mask.size());
  const cv::Mat small_mask = at_review_size(mask, cv::INTER_NEAREST);
  const cv::Mat small_bgr = at_review_size(bgr, cv::INTER_AREA);
  std::vector<MaskFinding> findings;
  for (auto&& found :
       {border_contact(small_mask), disconnected_parts(small_mask), shadow_under_product(small_bgr, small_mask)}) {
    findings.insert(findings.end(), found.begin(), found.end());
  }
  return findings;
}

void review_segmentation(const cv::Mat& bgr, Segmentation& segmentation, double threshold) {
  if (segmentation.mask.empty()) return;
  for (const auto& finding : find_mask_problems(bgr, segmentation.mask)) {
    segmentation.confidence *= finding.factor;
    segmentation.reasons.push_back(finding.reason);
  }
  if (segmentation.confidence >= threshold) return;
  char line[120];
  // Rounded down, so that 0.799 never reads as "0.80 is below the threshold 0.80".
  std::snprintf(line, sizeof line, "confidence %.2f is below the threshold %.2f",
                std::floor(segmentation.confidence * 100) / 100, threshold);
  segmentation.reasons.insert(segmentation.reasons.begin(), line);
  segmentation.needs_attention = true;
}

}  // namespace backdrop::imaging
