#pragma once
// Conversions between 8-bit sRGB (OpenCV's BGR order) and CIELAB (L 0..100, a and b about
// -128..127), the space where colour distances match what people see.

#include <opencv2/core.hpp>

namespace backdrop::imaging {

// CV_8UC3 BGR -> CV_32FC3 Lab.
cv::Mat bgr_to_lab(const cv::Mat& bgr);

// One colour each way; BGR components 0..255.
cv::Vec3f lab_of(const cv::Vec3b& bgr);
cv::Vec3b bgr_of(const cv::Vec3f& lab);

// CIE76 distance.
double delta_e(const cv::Vec3f& a, const cv::Vec3f& b);

}  // namespace backdrop::imaging
