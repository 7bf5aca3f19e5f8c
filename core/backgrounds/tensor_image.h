#pragma once
// Conversions between OpenCV images (8-bit, BGR channel order) and the [N, C, H, W] float tensors
// in [0, 1] (RGB order) that the diffusion pipelines take and return.

#include <opencv2/core.hpp>
#include <torch/types.h>

namespace backdrop::backgrounds {

// CV_8UC3 BGR or CV_8UC1 -> [1, C, H, W] float32 in [0, 1] (RGB order for colour).
torch::Tensor image_to_tensor(const cv::Mat& image);

// [3, H, W] in [0, 1] (RGB) -> CV_8UC3 BGR, rounded.
cv::Mat tensor_to_bgr(const torch::Tensor& image);

}  // namespace backdrop::backgrounds
