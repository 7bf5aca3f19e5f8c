#include "core/imaging/textured_backdrop.h"

#include <algorithm>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/imaging/colour_space.h"
#include "core/imaging/grabcut_refinement.h"
#include "core/imaging/mask_cleanup.h"

namespace backdrop::imaging {
namespace {

constexpr int kBorderColours = 6;  // brick, mortar, light and shade of each, and a spare

cv::Mat border_band(const cv::Size& size, int divisor) {
  const int strip = std::max(4, std::min(size.width, size.height) / divisor);
  cv::Mat band(size, CV_8UC1, cv::Scalar(255));
  if (size.width > 2 * strip && size.height > 2 * strip) {
    band(cv::Rect(strip, strip, size.width - 2 * strip, size.height - 2 * strip)).setTo(0);
  }
  return band;
}

// The border band's colours as k-means centres (rows of CV_32FC1, L a b).
cv::Mat border_colours(const cv::Mat& lab) {
  const cv::Mat band = border_band(lab.size(), 20);
  std::vector<cv::Vec3f> pixels;
  for (int y = 0; y < lab.rows; ++y) {
    for (int x = 0; x < lab.cols; ++x) {
      if (band.at<uint8_t>(y, x)) pixels.push_back(lab.at<cv::Vec3f>(y, x));
    }
  }
  const cv::Mat samples(static_cast<int>(pixels.size()), 3, CV_32F, pixels.data());
  cv::Mat labels, centres;
  const int k = std::min(kBorderColours, samples.rows);
  cv::setRNGSeed(1);  // the same mask for the same photo
  cv::kmeans(samples, k, labels, cv::TermCriteria(cv::TermCriteria::COUNT + cv::TermCriteria::EPS, 20, 0.5), 3,
             cv::KMEANS_PP_CENTERS, centres);
  return centres;
}

// Distance of every pixel to the nearest of the centres.
cv::Mat distance_to_nearest(const cv::Mat& lab, const cv::Mat& centres) {
  cv::Mat nearest(lab.size(), CV_32FC1, cv::Scalar(1e9));
  for (int k = 0; k < centres.rows; ++k) {
    const cv::Scalar centre(centres.at<float>(k, 0), centres.at<float>(k, 1), centres.at<float>(k, 2));
    cv::Mat difference = lab - centre, squared, distance;
    cv::multiply(difference, difference, squared);
    cv::transform(squared, distance, cv::Matx13f(1, 1, 1));
    cv::sqrt(distance, distance);
    nearest = cv::min(nearest, distance);
  }
  return nearest;
}

}  // namespace

double border_edge_density(const cv::Mat& bgr, double low, double high) {
  CV_Assert(bgr.type() == CV_8UC3 && !bgr.empty());
  cv::Mat smoothed, edges;
  cv::GaussianBlur(bgr, smoothed, cv::Size(3, 3), 0);
  cv::Canny(smoothed, edges, low, high);
  const cv::Mat band = border_band(edges.size(), 10);
  const int area = cv::countNonZero(band);
  return area > 0 ? cv::countNonZero(edges & band) / static_cast<double>(area) : 0.0;
}

cv::Mat segment_by_border_colours(const cv::Mat& bgr, double min_distance) {
  CV_Assert(bgr.type() == CV_8UC3 && !bgr.empty());
  cv::Mat smoothed;
  cv::GaussianBlur(bgr, smoothed, cv::Size(5, 5), 0);  // mortar lines and noise fade into the bricks
  const cv::Mat lab = bgr_to_lab(smoothed);
  cv::Mat product = distance_to_nearest(lab, border_colours(lab)) > min_distance;
  cv::morphologyEx(product, product, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(5, 5)));
  product = remove_small_components(product, 0.05);
  if (cv::countNonZero(product) == 0) return product;
  product = fill_enclosed_holes(product, cv::Mat::zeros(product.size(), CV_8UC1), static_cast<int>(product.total()));
  const int band = std::max(2, std::max(bgr.rows, bgr.cols) / 100);
  return refine_edge_with_grabcut(bgr, product, band, 2);
}

}  // namespace backdrop::imaging
