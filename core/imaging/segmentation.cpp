#include "core/imaging/segmentation.h"

#include <cmath>

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
  if (radius <= 0) return mask.clone();
  cv::Mat alpha = cv::Mat::zeros(mask.size(), CV_8UC1);
  const int reach = static_cast<int>(std::ceil(4 * radius)) + 1;  // the blur's support
  const cv::Rect box = cv::boundingRect(mask);
  if (box.empty()) return alpha;
  const cv::Rect roi = (box + cv::Size(2 * reach, 2 * reach) - cv::Point(reach, reach)) & cv::Rect(0, 0, mask.cols, mask.rows);
  cv::Mat blurred;
  cv::GaussianBlur(mask(roi), blurred, cv::Size(), radius, radius, cv::BORDER_REPLICATE);
  // The blur moves the 50% level by a fraction of a pixel; pin it to the mask so that mask and
  // alpha never disagree about which pixels are the product.
  const cv::Mat inside = mask(roi) != 0;
  cv::Mat pinned_inside, pinned_outside;
  cv::max(blurred, 128, pinned_inside);
  cv::min(blurred, 127, pinned_outside);
  pinned_outside.copyTo(alpha(roi));
  pinned_inside.copyTo(alpha(roi), inside);
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
