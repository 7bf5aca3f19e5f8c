#include "core/backgrounds/tensor_image.h"

#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

namespace backdrop::backgrounds {

torch::Tensor image_to_tensor(const cv::Mat& image) {
  cv::Mat ordered = image;
  if (image.channels() == 3) cv::cvtColor(image, ordered, cv::COLOR_BGR2RGB);
  const auto pixels = torch::from_blob(ordered.data, {ordered.rows, ordered.cols, ordered.channels()}, torch::kUInt8);
  return pixels.permute({2, 0, 1}).unsqueeze(0).to(torch::kFloat32) / 255.0;
}

cv::Mat tensor_to_bgr(const torch::Tensor& image) {
  const auto pixels = (image.to(torch::kCPU, torch::kFloat32) * 255.0).round().clamp(0, 255).to(torch::kUInt8);
  const auto interleaved = pixels.permute({1, 2, 0}).contiguous();
  const cv::Mat rgb(static_cast<int>(interleaved.size(0)), static_cast<int>(interleaved.size(1)), CV_8UC3,
                    interleaved.data_ptr());
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  return bgr;
}

}  // namespace backdrop::backgrounds
