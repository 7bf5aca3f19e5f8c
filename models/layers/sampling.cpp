#include "models/layers/sampling.h"

#include <stdexcept>

#include <torch/torch.h>

namespace backdrop::models {

namespace F = torch::nn::functional;

Downsample2DImpl::Downsample2DImpl(const Downsample2DOptions& options) : padding_(options.padding) {
  const int64_t out_channels = options.out_channels > 0 ? options.out_channels : options.channels;
  if (options.channels <= 0) throw std::invalid_argument("Downsample2D: channels must be positive");
  if (options.use_conv) {
    conv_ = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(options.channels, out_channels, 3)
                                                          .stride(2)
                                                          .padding(options.padding)));
  } else if (out_channels != options.channels) {
    throw std::invalid_argument("Downsample2D: average pooling cannot change the channel count");
  }
}

torch::Tensor Downsample2DImpl::forward(const torch::Tensor& input) {
  if (!conv_) return F::avg_pool2d(input, F::AvgPool2dFuncOptions(2).stride(2));
  if (padding_ == 0) {
    // diffusers pads (left 0, right 1, top 0, bottom 1) so that the kernel sees the last row/column.
    return conv_(F::pad(input, F::PadFuncOptions({0, 1, 0, 1}).mode(torch::kConstant).value(0.0)));
  }
  return conv_(input);
}

Upsample2DImpl::Upsample2DImpl(const Upsample2DOptions& options) {
  const int64_t out_channels = options.out_channels > 0 ? options.out_channels : options.channels;
  if (options.channels <= 0) throw std::invalid_argument("Upsample2D: channels must be positive");
  if (options.use_conv) {
    conv_ = register_module("conv",
                            torch::nn::Conv2d(torch::nn::Conv2dOptions(options.channels, out_channels, 3).padding(1)));
  }
}

torch::Tensor Upsample2DImpl::forward(const torch::Tensor& input, const std::optional<std::vector<int64_t>>& output_size) {
  // Nearest-neighbour upsampling has no bfloat16 CPU kernel in older libtorch; diffusers upcasts too.
  const bool upcast = input.scalar_type() == torch::kBFloat16;
  const torch::Tensor source = upcast ? input.to(torch::kFloat32) : input;
  auto options = F::InterpolateFuncOptions().mode(torch::kNearest);
  if (output_size) {
    options.size(*output_size);
  } else {
    options.scale_factor(std::vector<double>{2.0, 2.0});
  }
  torch::Tensor upsampled = F::interpolate(source, options);
  if (upcast) upsampled = upsampled.to(torch::kBFloat16);
  return conv_ ? conv_(upsampled) : upsampled;
}

}  // namespace backdrop::models
