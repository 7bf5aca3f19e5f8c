#include "core/imaging/antialiased_resize.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace backdrop::imaging {
namespace {

// The weights of one output sample: source index `first` and its normalised weights.
struct Taps {
  int first = 0;
  std::vector<float> weights;
};

// Pillow's precompute_coeffs for the bilinear filter: support 1 scaled by the reduction factor,
// sample centres at (i + 0.5) * scale.
std::vector<Taps> triangle_taps(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filter_scale = std::max(1.0, scale);
  const double support = filter_scale;
  std::vector<Taps> taps(static_cast<size_t>(out_size));
  for (int o = 0; o < out_size; ++o) {
    const double centre = (o + 0.5) * scale;
    const int first = std::max(0, static_cast<int>(centre - support + 0.5));
    const int last = std::min(in_size, static_cast<int>(centre + support + 0.5));
    Taps& tap = taps[static_cast<size_t>(o)];
    tap.first = first;
    double total = 0;
    for (int x = first; x < last; ++x) {
      const double t = std::abs((x - centre + 0.5) / filter_scale);
      tap.weights.push_back(static_cast<float>(t < 1 ? 1 - t : 0));
      total += tap.weights.back();
    }
    for (float& weight : tap.weights) weight = total > 0 ? static_cast<float>(weight / total) : 0.f;
  }
  return taps;
}

// One pass along the rows (columns change): a weighted sum of whole source columns per output
// column, so the inner loop runs over contiguous rows of floats.
cv::Mat resample_columns(const cv::Mat& src, int out_width) {
  const auto taps = triangle_taps(src.cols, out_width);
  const int channels = src.channels();
  cv::Mat dst(src.rows, out_width, CV_MAKETYPE(CV_32F, channels), cv::Scalar::all(0));
  for (int r = 0; r < src.rows; ++r) {
    const float* in = src.ptr<float>(r);
    float* out = dst.ptr<float>(r);
    for (int o = 0; o < out_width; ++o) {
      const Taps& tap = taps[static_cast<size_t>(o)];
      for (size_t k = 0; k < tap.weights.size(); ++k) {
        const float* pixel = in + (tap.first + static_cast<int>(k)) * channels;
        for (int c = 0; c < channels; ++c) out[o * channels + c] += tap.weights[k] * pixel[c];
      }
    }
  }
  return dst;
}

}  // namespace

cv::Mat resize_antialiased_bilinear(const cv::Mat& image, const cv::Size& size) {
  CV_Assert(!image.empty() && size.width > 0 && size.height > 0);
  CV_Assert(image.depth() == CV_8U || image.depth() == CV_32F);
  cv::Mat source;
  image.convertTo(source, CV_MAKETYPE(CV_32F, image.channels()));
  const cv::Mat horizontal = resample_columns(source, size.width);
  // The vertical pass is the horizontal one on the transposed image.
  return resample_columns(horizontal.t(), size.height).t();
}

}  // namespace backdrop::imaging
