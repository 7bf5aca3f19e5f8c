#pragma once
// diffusers' Downsample2D (models/downsampling.py) and Upsample2D (models/upsampling.py), the
// resolution changes between UNet and VAE levels. The convolution is named `conv`, as in diffusers.

#include <cstdint>
#include <optional>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace backdrop::models {

struct Downsample2DOptions {
  int64_t channels = 0;
  int64_t out_channels = 0;  // 0: same as channels
  bool use_conv = true;      // false: 2x2 average pooling (channels must equal out_channels)
  // 1: a 3x3 stride-2 convolution with padding 1 (UNet). 0: diffusers' VAE variant, which pads
  // right and bottom by one before an unpadded stride-2 convolution.
  int64_t padding = 1;
};

class Downsample2DImpl : public torch::nn::Module {
 public:
  explicit Downsample2DImpl(const Downsample2DOptions& options);
  torch::Tensor forward(const torch::Tensor& input);

 private:
  int64_t padding_;
  torch::nn::Conv2d conv_{nullptr};
};
TORCH_MODULE(Downsample2D);

struct Upsample2DOptions {
  int64_t channels = 0;
  int64_t out_channels = 0;  // 0: same as channels
  bool use_conv = true;
};

class Upsample2DImpl : public torch::nn::Module {
 public:
  explicit Upsample2DImpl(const Upsample2DOptions& options);
  // Nearest-neighbour x2, or to `output_size` {H, W} when given (the UNet passes the skip
  // connection's size so odd resolutions round-trip), then the 3x3 convolution.
  torch::Tensor forward(const torch::Tensor& input, const std::optional<std::vector<int64_t>>& output_size = std::nullopt);

 private:
  torch::nn::Conv2d conv_{nullptr};
};
TORCH_MODULE(Upsample2D);

}  // namespace backdrop::models
