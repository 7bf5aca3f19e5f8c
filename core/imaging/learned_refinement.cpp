#include "core/imaging/learned_refinement.h"

#include <algorithm>
#include <cstdio>

#include <opencv2/imgproc.hpp>

#include "core/imaging/grabcut_refinement.h"

namespace backdrop::imaging {
namespace {

constexpr double kAgreement = 0.9;  // IoU above which the two masks are the same product
constexpr int kRefineSize = 512;    // long side GrabCut works at
constexpr double kFeatherRadius = 1.0;

double iou(const cv::Mat& a, const cv::Mat& b) {
  const double united = cv::countNonZero(a | b);
  return united > 0 ? cv::countNonZero(a & b) / united : 0.0;
}

// GrabCut near the learned outline, at a working size, back at the photo's size.
cv::Mat refine_outline(const cv::Mat& bgr, const cv::Mat& mask) {
  const double scale = std::min(1.0, kRefineSize / static_cast<double>(std::max(bgr.rows, bgr.cols)));
  cv::Mat small_bgr = bgr, small_mask = mask;
  if (scale < 1.0) {
    cv::resize(bgr, small_bgr, cv::Size(), scale, scale, cv::INTER_AREA);
    cv::resize(mask, small_mask, small_bgr.size(), 0, 0, cv::INTER_NEAREST);
  }
  const int band = std::max(2, std::max(small_bgr.rows, small_bgr.cols) / 100);
  cv::Mat refined = refine_edge_with_grabcut(small_bgr, small_mask, band, 2);
  if (scale < 1.0) {
    cv::resize(refined, refined, bgr.size(), 0, 0, cv::INTER_LINEAR);
    refined = refined >= 128;
  }
  return refined;
}

}  // namespace

Segmentation combine_with_classical(const cv::Mat& bgr, const Segmentation& learned, const Segmentation& plain) {
  if (learned.mask.empty() || cv::countNonZero(learned.mask) == 0) return plain.mask.empty() ? learned : plain;
  const bool plain_usable = !plain.mask.empty() && !plain.needs_attention;
  const double agreement = plain_usable ? iou(plain.mask, learned.mask) : 0.0;
  if (plain_usable && agreement >= kAgreement) {
    Segmentation result = plain;
    result.confidence = std::max(plain.confidence, learned.confidence);
    return result;
  }
  Segmentation result;
  result.method = SegmentationMethod::Learned;
  result.mask = refine_outline(bgr, learned.mask);
  if (cv::countNonZero(result.mask) == 0) result.mask = learned.mask.clone();
  result.alpha = feathered_alpha(result.mask, kFeatherRadius);
  result.confidence = learned.confidence;
  if (plain_usable) {
    result.confidence *= 0.8;
    char reason[120];
    std::snprintf(reason, sizeof reason, "the learned and the classical masks disagree (overlap %.0f%%)",
                  100 * agreement);
    result.reasons.emplace_back(reason);
  }
  return result;
}

}  // namespace backdrop::imaging
