#pragma once
// OpenCV images as QImages (deep copies, so the QImage outlives the cv::Mat).

#include <QImage>
#include <opencv2/core.hpp>

namespace backdrop::ui {

// CV_8UC3 BGR or CV_8UC1; anything else gives a null QImage.
QImage toQImage(const cv::Mat& mat);
// A QImage as CV_8UC1 (grey) — for masks painted in the GUI.
cv::Mat toGreyMat(const QImage& image);

}  // namespace backdrop::ui
