#pragma once
// A product mask with soft edges and a confidence, and the interface every segmenter implements
// (classical plain-background segmentation, alpha channels, an optional learned model).

#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace backdrop::imaging {

enum class SegmentationMethod { AlphaChannel, PlainBackground, Learned, HandDrawn, None };

std::string method_name(SegmentationMethod method);

struct Segmentation {
  cv::Mat mask;           // CV_8UC1, 255 = product, 0 = background; empty when no mask could be made
  cv::Mat alpha;          // CV_8UC1 soft coverage for compositing; alpha >= 128 exactly where mask is set
  double confidence = 0;  // 0..1: how much the mask can be trusted
  SegmentationMethod method = SegmentationMethod::None;
  // Set when this segmenter cannot give a trustworthy mask (for example a scene photo with no
  // plain background): the product needs the learned segmenter or a hand-drawn mask.
  bool needs_attention = false;
  std::string note;  // why, for people
  // The signs of a wrong mask found by review_segmentation (mask_review.h), for people.
  std::vector<std::string> reasons;

  // A mask that can be used without a person looking at it.
  bool ok() const { return !mask.empty() && !needs_attention; }
};

class Segmenter {
 public:
  virtual ~Segmenter() = default;
  // `bgr` is CV_8UC3; the result's mask and alpha have its size.
  virtual Segmentation segment(const cv::Mat& bgr) const = 0;
};

// The soft alpha for a binary mask: a feather of `radius` pixels across the edge, kept consistent
// with the mask (>= 128 inside, < 128 outside).
cv::Mat feathered_alpha(const cv::Mat& mask, double radius);

// Object mask from an alpha channel: alpha >= 128 (soft drop shadows in the alpha stay outside).
Segmentation segment_from_alpha(const cv::Mat& alpha);

}  // namespace backdrop::imaging
