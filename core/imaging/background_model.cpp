#include "core/imaging/background_model.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/imaging/colour_space.h"

namespace backdrop::imaging {
namespace {

std::vector<cv::Vec3f> border_pixels(const cv::Mat& lab) {
  const int strip = std::max(2, std::min(lab.rows, lab.cols) / 50);
  std::vector<cv::Vec3f> pixels;
  for (int y = 0; y < lab.rows; ++y) {
    const auto* row = lab.ptr<cv::Vec3f>(y);
    const bool whole_row = y < strip || y >= lab.rows - strip;
    for (int x = 0; x < lab.cols; ++x) {
      if (whole_row || x < strip || x >= lab.cols - strip) pixels.push_back(row[x]);
    }
  }
  return pixels;
}

float median(std::vector<float> values) {
  auto middle = values.begin() + values.size() / 2;
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

double percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  auto at = values.begin() + static_cast<std::ptrdiff_t>(q * (values.size() - 1));
  std::nth_element(values.begin(), at, values.end());
  return *at;
}

}  // namespace

BorderBackground estimate_border_background(const cv::Mat& lab) {
  CV_Assert(lab.type() == CV_32FC3 && !lab.empty());
  const auto pixels = border_pixels(lab);
  BorderBackground model;
  for (int c = 0; c < 3; ++c) {
    std::vector<float> channel(pixels.size());
    std::transform(pixels.begin(), pixels.end(), channel.begin(), [c](const cv::Vec3f& p) { return p[c]; });
    model.lab[c] = median(std::move(channel));
  }
  std::vector<double> inlier_distances, lightness_offsets;
  for (const auto& p : pixels) {
    const double d = cv::norm(p - model.lab);
    if (d < kPlainTolerance) inlier_distances.push_back(d);
    lightness_offsets.push_back(std::abs(p[0] - model.lab[0]));
  }
  model.plain_fraction = static_cast<double>(inlier_distances.size()) / pixels.size();
  model.spread = percentile(std::move(inlier_distances), 0.9);
  model.lightness_spread = percentile(std::move(lightness_offsets), 0.9);
  return model;
}

cv::Mat lab_distance(const cv::Mat& lab, const cv::Vec3f& background_lab) {
  cv::Mat squared = lab - cv::Scalar(background_lab[0], background_lab[1], background_lab[2]);
  squared = squared.mul(squared);
  cv::Mat distance;
  cv::transform(squared, distance, cv::Matx13f(1, 1, 1));
  cv::sqrt(distance, distance);
  return distance;
}

cv::Mat shadow_tolerant_distance(const cv::Mat& bgr, const cv::Mat& lab, const cv::Vec3f& background_lab) {
  CV_Assert(bgr.type() == CV_8UC3 && lab.type() == CV_32FC3 && bgr.size() == lab.size());
  const cv::Vec3b background_bgr = bgr_of(background_lab);
  const cv::Vec3f b(background_bgr[0] + 1.f, background_bgr[1] + 1.f, background_bgr[2] + 1.f);
  const float b_norm2 = b.dot(b);
  const float b_norm = std::sqrt(b_norm2);
  cv::Mat distance = lab_distance(lab, background_lab);
  for (int y = 0; y < lab.rows; ++y) {
    const auto* in_bgr = bgr.ptr<cv::Vec3b>(y);
    auto* out = distance.ptr<float>(y);
    for (int x = 0; x < lab.cols; ++x) {
      const cv::Vec3f p(in_bgr[x][0] + 1.f, in_bgr[x][1] + 1.f, in_bgr[x][2] + 1.f);
      const float scale = p.dot(b) / b_norm2;  // how deep the shadow would be
      if (scale >= kDeepestShadow && scale < 1.f) {
        // Off-chromaticity residual, in units comparable to Lab distances (0..~100).
        const float shadow_distance = 100.f * static_cast<float>(cv::norm(p - scale * b)) / (scale * b_norm);
        out[x] = std::min(out[x], shadow_distance);
      }
    }
  }
  return distance;
}

}  // namespace backdrop::imaging
