#include "ui/image_conversion.h"

namespace backdrop::ui {

QImage toQImage(const cv::Mat& mat) {
  if (mat.empty()) return {};
  if (mat.type() == CV_8UC3) {
    return QImage(mat.data, mat.cols, mat.rows, static_cast<qsizetype>(mat.step), QImage::Format_BGR888).copy();
  }
  if (mat.type() == CV_8UC1) {
    return QImage(mat.data, mat.cols, mat.rows, static_cast<qsizetype>(mat.step), QImage::Format_Grayscale8).copy();
  }
  return {};
}

cv::Mat toGreyMat(const QImage& image) {
  const QImage grey = image.convertToFormat(QImage::Format_Grayscale8);
  cv::Mat view(grey.height(), grey.width(), CV_8UC1, const_cast<uchar*>(grey.constBits()),
               static_cast<size_t>(grey.bytesPerLine()));
  return view.clone();
}

}  // namespace backdrop::ui
