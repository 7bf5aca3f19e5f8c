#include "core/imaging/edge_decontamination.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>

namespace backdrop::imaging {
namespace {

constexpr int kReach = 7;               // pixels around the band where backdrop and product are sampled
constexpr double kSolvableAlpha = 0.3;  // below: F from nearby product pixels, not from the equation

// The local mean colour of the pixels in `where` (CV_32FC3), and where it is defined (CV_8UC1).
std::pair<cv::Mat, cv::Mat> local_mean(const cv::Mat& colour, const cv::Mat& where) {
  cv::Mat weight, sum, mean;
  where.convertTo(weight, CV_32F, 1.0 / 255.0);
  cv::Mat weighted;
  cv::Mat weight3;
  cv::merge(std::vector<cv::Mat>(3, weight), weight3);
  cv::multiply(colour, weight3, weighted);
  const cv::Size box(2 * kReach + 1, 2 * kReach + 1);
  cv::boxFilter(weighted, sum, CV_32F, box, cv::Point(-1, -1), false);
  cv::Mat count;
  cv::boxFilter(weight, count, CV_32F, box, cv::Point(-1, -1), false);
  cv::Mat safe_count = cv::max(count, 1e-3);
  cv::Mat count3;
  cv::merge(std::vector<cv::Mat>(3, safe_count), count3);
  cv::divide(sum, count3, mean);
  return {mean, count >= 1.0f};
}

}  // namespace

cv::Mat decontaminate_edges(const cv::Mat& product, const cv::Mat& weight) {
  CV_Assert(product.type() == CV_8UC3 && weight.type() == CV_8UC1 && product.size() == weight.size());
  const cv::Mat band = (weight > 0) & (weight < 255);
  cv::Mat out = product.clone();
  if (cv::countNonZero(band) == 0) return out;

  cv::Mat colour;
  product.convertTo(colour, CV_32FC3);
  cv::Mat in_photo;
  cv::transform(product, in_photo, cv::Matx13f(1, 1, 1));
  in_photo = in_photo > 0;  // pure black: outside the photo, no backdrop sample
  const auto [backdrop, has_backdrop] = local_mean(colour, (weight == 0) & in_photo);
  const auto [inside, has_inside] = local_mean(colour, weight == 255);

  for (int y = 0; y < out.rows; ++y) {
    const auto* w = weight.ptr<uint8_t>(y);
    auto* o = out.ptr<cv::Vec3b>(y);
    for (int x = 0; x < out.cols; ++x) {
      if (w[x] == 0 || w[x] == 255) continue;
      const float a = w[x] / 255.0f;
      const cv::Vec3f observed = colour.at<cv::Vec3f>(y, x);
      cv::Vec3f foreground = observed;
      if (has_backdrop.at<uint8_t>(y, x) && a >= kSolvableAlpha) {
        foreground = (observed - (1 - a) * backdrop.at<cv::Vec3f>(y, x)) / a;
      } else if (has_inside.at<uint8_t>(y, x)) {
        foreground = inside.at<cv::Vec3f>(y, x);
      }
      for (int c = 0; c < 3; ++c) o[x][c] = cv::saturate_cast<uint8_t>(foreground[c]);
    }
  }
  return out;
}

}  // namespace backdrop::imaging
