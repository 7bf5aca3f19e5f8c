#include "core/imaging/segmentation.h"

#include <opencv2/imgproc.hpp>

namespace backdrop::imaging {

std::string method_name(SegmentationMethod method) {
  switch (method) {
    case SegmentationMethod::AlphaChannel: return "alpha-channel";
    case SegmentationMethod::PlainBackground: return "plain-background";
    case SegmentationMethod::Learned: return "learned";
    case SegmentationMethod::HandDrawn: return "hand-drawn";
    case SegmentationMethod::None: return "none";
  }
  return "none";
}

cv::Mat feathered_alpha(const cv::Mat& mask, double radius) {
  cv::Mat alpha;
  if (radius <= 0) return mask.clone();
  cv::GaussianBlur(mask, alpha, cv::Size(), radius);
  // The blur moves the 50% level by at most a fraction of a pixel; pin it to the mask so that
  // mask and alpha never disagree about which pixels are the product.
  cv::Mat inside = alpha.clone(), outside = alpha.clone();
  cv::max(alpha, 128, inside);
  cv::min(alpha, 127, outside);
  inside.copyTo(alpha, mask);
  cv::Mat background = mask == 0;
  outside.copyTo(alpha, background);
  return alpha;
}

Segmentation segment_from_alpha(const cv::Mat& alpha) {
  CV_Assert(alpha.type() == CV_8UC1);
  Segmentation result;
  result.method = SegmentationMethod::AlphaChannel;
  result.mask = alpha >= 128;
  result.alpha = alpha.clone();
  const double coverage = cv::countNonZero(result.mask) / static_cast<double>(alpha.total());
  result.confidence = coverage > 0 ? 1.0 : 0.0;
  if (coverage == 0) {
    result.needs_attention = true;
    result.note = "the alpha channel has no opaque pixels";
  }
  return result;
}

}  // namespace backdrop::imaging
