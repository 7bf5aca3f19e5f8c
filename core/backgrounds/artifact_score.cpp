#include "core/backgrounds/artifact_score.h"

#include <sstream>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

namespace backdrop::backgrounds {
namespace {

cv::Mat dilated(const cv::Mat& mask, int radius) {
  if (radius <= 0) return mask.clone();
  cv::Mat out;
  cv::dilate(mask, out, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * radius + 1, 2 * radius + 1)));
  return out;
}

cv::Mat binary(const cv::Mat& mask) { return mask > 0; }

}  // namespace

double object_expansion(const cv::Mat& generated_object_mask, const cv::Mat& product_mask) {
  if (generated_object_mask.size() != product_mask.size()) {
    throw std::invalid_argument("object expansion: the generated object mask and the product mask differ in size");
  }
  const cv::Mat product = binary(product_mask);
  const int product_area = cv::countNonZero(product);
  if (product_area == 0) throw std::invalid_argument("object expansion: the product mask is empty");
  const int union_area = cv::countNonZero(product | binary(generated_object_mask));
  return static_cast<double>(union_area - product_area) / product_area;
}

double edge_continuation(const cv::Mat& generated_bgr, const cv::Mat& product_mask, const ArtifactScoreOptions& options) {
  const cv::Mat product = binary(product_mask);
  cv::Mat grey, edges;
  cv::cvtColor(generated_bgr, grey, cv::COLOR_BGR2GRAY);
  cv::Canny(grey, edges, options.canny_low, options.canny_high);

  // The band outside the mask, without the few pixels at the outline itself.
  const cv::Mat inner = dilated(product, options.outline_gap);
  const cv::Mat band = dilated(product, options.outline_gap + options.band) & ~inner;
  const cv::Mat band_edges = edges & band;
  // Where an edge chain meets the outline: the first ring of the band.
  const cv::Mat first_ring = dilated(product, options.outline_gap + 1) & ~inner;

  cv::Mat labels;
  const int count = cv::connectedComponents(band_edges, labels, 8, CV_32S);
  std::vector<bool> touches(static_cast<std::size_t>(count), false);
  for (int y = 0; y < labels.rows; ++y) {
    const auto* label = labels.ptr<int>(y);
    const auto* ring = first_ring.ptr<uint8_t>(y);
    for (int x = 0; x < labels.cols; ++x) {
      if (label[x] > 0 && ring[x] != 0) touches[static_cast<std::size_t>(label[x])] = true;
    }
  }
  int continued = 0;
  for (int y = 0; y < labels.rows; ++y) {
    const auto* label = labels.ptr<int>(y);
    for (int x = 0; x < labels.cols; ++x) continued += label[x] > 0 && touches[static_cast<std::size_t>(label[x])];
  }
  cv::Mat eroded;
  cv::erode(product, eroded, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
  const int outline = std::max(1, cv::countNonZero(product & ~eroded));
  return static_cast<double>(continued) / outline;
}

ArtifactScore score_artifacts(const cv::Mat& generated_bgr, const cv::Mat& product_mask,
                              const imaging::Segmenter& segmenter, const ArtifactScoreOptions& options) {
  if (generated_bgr.type() != CV_8UC3 || generated_bgr.size() != product_mask.size()) {
    throw std::invalid_argument("artifact score: the generated image must be 8-bit colour of the mask's size");
  }
  ArtifactScore score;
  const auto segmentation = segmenter.segment(generated_bgr);
  if (!segmentation.mask.empty() && !segmentation.needs_attention) {
    score.object_expansion = object_expansion(segmentation.mask, product_mask);
  }
  score.edge_continuation = edge_continuation(generated_bgr, product_mask, options);
  apply_thresholds(score, options.thresholds);
  return score;
}

void apply_thresholds(ArtifactScore& score, const ArtifactThresholds& thresholds) {
  std::ostringstream reason;
  if (score.object_expansion && *score.object_expansion > thresholds.object_expansion) {
    reason << "the object grew by " << static_cast<int>(*score.object_expansion * 100 + 0.5) << " %";
  }
  if (score.edge_continuation > thresholds.edge_continuation) {
    if (!reason.str().empty()) reason << "; ";
    reason << "edges continue the product's outline (" << score.edge_continuation << ")";
  }
  score.reason = reason.str();
  score.flagged = !score.reason.empty();
}

}  // namespace backdrop::backgrounds
