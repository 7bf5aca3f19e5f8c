#include "core/imaging/grabcut_refinement.h"

#include <opencv2/imgproc.hpp>

namespace backdrop::imaging {

// GrabCut decides the pixels within `band` of the edge; the rest is fixed, which keeps it from
// undoing the first segmentation where colours overlap and keeps it fast.
cv::Mat refine_edge_with_grabcut(const cv::Mat& bgr, const cv::Mat& mask, int band, int iterations) {
  if (iterations <= 0) return mask;
  cv::Mat inner, outer;
  const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * band + 1, 2 * band + 1));
  cv::erode(mask, inner, kernel);
  cv::dilate(mask, outer, kernel);
  if (cv::countNonZero(inner) == 0 || cv::countNonZero(outer) == static_cast<int>(outer.total())) return mask;

  // Work on the product's surroundings only: far backdrop is fixed anyway and only slows it.
  const int margin = 4 * band;
  const cv::Rect around =
      cv::Rect(cv::boundingRect(outer)) + cv::Size(2 * margin, 2 * margin) - cv::Point(margin, margin);
  const cv::Rect roi = around & cv::Rect(0, 0, bgr.cols, bgr.rows);
  cv::Mat labels(roi.size(), CV_8UC1, cv::Scalar(cv::GC_BGD));
  labels.setTo(cv::GC_PR_BGD, outer(roi));
  labels.setTo(cv::GC_PR_FGD, mask(roi));
  labels.setTo(cv::GC_FGD, inner(roi));
  if (cv::countNonZero(labels == cv::GC_BGD) == 0) return mask;  // GrabCut needs backdrop samples
  cv::Mat background_model, foreground_model;
  cv::grabCut(bgr(roi), labels, cv::Rect(), background_model, foreground_model, iterations, cv::GC_INIT_WITH_MASK);
  cv::Mat refined = cv::Mat::zeros(mask.size(), CV_8UC1);
  refined(roi).setTo(255, (labels == cv::GC_FGD) | (labels == cv::GC_PR_FGD));
  return refined;
}

}  // namespace backdrop::imaging
