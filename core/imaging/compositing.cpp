#include "core/imaging/compositing.h"

#include <opencv2/imgproc.hpp>

#include "core/imaging/edge_decontamination.h"
#include "core/imaging/image_error.h"

namespace backdrop::imaging {

cv::Mat compositing_weight(const PlacedProduct& placed) {
  const cv::Mat kernel =
      cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * kFeatherWidth + 1, 2 * kFeatherWidth + 1));
  cv::Mat inner, outer;
  cv::erode(placed.mask, inner, kernel);
  cv::dilate(placed.mask, outer, kernel);
  // Soft alpha only in the edge band: a drop shadow baked into a cut-out's alpha stays out, and
  // semi-transparent alpha inside the product never lets the background through.
  cv::Mat weight = cv::Mat::zeros(placed.mask.size(), CV_8UC1);
  placed.alpha.copyTo(weight, outer);
  weight.setTo(255, inner);
  return weight;
}

cv::Mat composite_product(const PlacedProduct& placed, const cv::Mat& background) {
  if (background.type() != CV_8UC3 || background.size() != placed.product.size()) {
    throw ImageError("compositing: the background must be an 8-bit colour image of the canvas size");
  }
  const cv::Mat weight = compositing_weight(placed);
  const cv::Mat product = decontaminate_edges(placed.product, weight);  // no halo of the old backdrop
  cv::Mat out(background.size(), CV_8UC3);
  for (int y = 0; y < out.rows; ++y) {
    const auto* w = weight.ptr<uint8_t>(y);
    const auto* p = product.ptr<cv::Vec3b>(y);
    const auto* b = background.ptr<cv::Vec3b>(y);
    auto* o = out.ptr<cv::Vec3b>(y);
    for (int x = 0; x < out.cols; ++x) {
      if (w[x] == 255) {
        o[x] = p[x];
      } else if (w[x] == 0) {
        o[x] = b[x];
      } else {
        for (int c = 0; c < 3; ++c) o[x][c] = static_cast<uint8_t>((p[x][c] * w[x] + b[x][c] * (255 - w[x]) + 127) / 255);
      }
    }
  }
  return out;
}

}  // namespace backdrop::imaging
