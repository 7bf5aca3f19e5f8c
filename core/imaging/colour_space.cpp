#include "core/imaging/colour_space.h"

#include <mutex>

#include <opencv2/imgproc.hpp>

namespace backdrop::imaging {
namespace {

// OpenCV 4.6 builds its Lab tables on the first Lab conversion behind an unsynchronised
// `static bool initialized` (imgproc's color_lab.cpp, initLabTabs): two threads converting for the
// first time at once both build them, racing on the tables, and one 1.7 MB table leaks
// (LeakSanitizer, in the GUI tests whose panels segment products on several pool threads). Every
// conversion here has them built once first, under call_once.
void build_lab_tables_once() {
  static std::once_flag built;
  std::call_once(built, [] {
    const cv::Mat grey(1, 1, CV_32FC3, cv::Scalar(0.5, 0.5, 0.5));
    cv::Mat lab;
    cv::cvtColor(grey, lab, cv::COLOR_BGR2Lab);
  });
}

}  // namespace

cv::Mat bgr_to_lab(const cv::Mat& bgr) {
  CV_Assert(bgr.type() == CV_8UC3);
  build_lab_tables_once();
  cv::Mat unit, lab;
  bgr.convertTo(unit, CV_32FC3, 1.0 / 255.0);
  cv::cvtColor(unit, lab, cv::COLOR_BGR2Lab);
  return lab;
}

cv::Vec3f lab_of(const cv::Vec3b& bgr) {
  const cv::Mat pixel(1, 1, CV_8UC3, cv::Scalar(bgr[0], bgr[1], bgr[2]));
  return bgr_to_lab(pixel).at<cv::Vec3f>(0, 0);
}

cv::Vec3b bgr_of(const cv::Vec3f& lab) {
  const cv::Mat pixel(1, 1, CV_32FC3, cv::Scalar(lab[0], lab[1], lab[2]));
  cv::Mat unit, bgr;
  build_lab_tables_once();
  cv::cvtColor(pixel, unit, cv::COLOR_Lab2BGR);
  unit.convertTo(bgr, CV_8UC3, 255.0);  // saturates out-of-gamut colours
  return bgr.at<cv::Vec3b>(0, 0);
}

double delta_e(const cv::Vec3f& a, const cv::Vec3f& b) { return cv::norm(a - b); }

}  // namespace backdrop::imaging
