#pragma once
// Resizing with a triangle (bilinear) filter whose support grows with the reduction, the way
// Pillow's Image.BILINEAR resamples. Learned segmenters were trained on inputs resized like this;
// OpenCV's INTER_LINEAR samples only 2x2 pixels on a downscale (aliasing) and INTER_AREA is a box,
// both several levels of 255 away from what the models saw.

#include <opencv2/core.hpp>

namespace backdrop::imaging {

// `image` is CV_8UC1..4 or CV_32FC1..4; the result is CV_32F with the same channels, in the
// input's value range, not rounded between the horizontal and the vertical pass.
cv::Mat resize_antialiased_bilinear(const cv::Mat& image, const cv::Size& size);

}  // namespace backdrop::imaging
