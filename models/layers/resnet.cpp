#include "models/layers/resnet.h"

#include <stdexcept>

#include <torch/torch.h>

namespace backdrop::models {
namespace {

torch::nn::Conv2d conv3x3(int64_t in_channels, int64_t out_channels) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, out_channels, 3).stride(1).padding(1));
}

}  // namespace

ResnetBlock2DImpl::ResnetBlock2DImpl(const ResnetBlock2DOptions& options)
    : in_channels_(options.in_channels),
      out_channels_(options.out_channels > 0 ? options.out_channels : options.in_channels),
      output_scale_factor_(options.output_scale_factor),
      time_embedding_norm_(options.time_embedding_norm) {
  if (in_channels_ <= 0) throw std::invalid_argument("ResnetBlock2D: in_channels must be positive");
  const int64_t groups_out = options.groups_out > 0 ? options.groups_out : options.groups;

  norm1_ = register_module(
      "norm1", torch::nn::GroupNorm(torch::nn::GroupNormOptions(options.groups, in_channels_).eps(options.eps)));
  conv1_ = register_module("conv1", conv3x3(in_channels_, out_channels_));
  if (options.temb_channels > 0) {
    const int64_t projected = time_embedding_norm_ == TimeEmbeddingNorm::kScaleShift ? 2 * out_channels_ : out_channels_;
    time_emb_proj_ = register_module("time_emb_proj", torch::nn::Linear(options.temb_channels, projected));
  }
  norm2_ = register_module(
      "norm2", torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups_out, out_channels_).eps(options.eps)));
  conv2_ = register_module("conv2", conv3x3(out_channels_, out_channels_));
  if (in_channels_ != out_channels_) {
    conv_shortcut_ = register_module(
        "conv_shortcut", torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels_, out_channels_, 1)));
  }
}

torch::Tensor ResnetBlock2DImpl::forward(const torch::Tensor& input, const torch::Tensor& temb) {
  if (time_emb_proj_ && !temb.defined()) {
    throw std::invalid_argument("ResnetBlock2D: this block needs a time embedding");
  }
  // In-place activations: the block runs at inference, and every intermediate here is fresh, so
  // rewriting it saves one full-size activation per step (the big cost at VAE resolutions).
  torch::Tensor hidden = norm1_(input);
  hidden = conv1_(torch::silu_(hidden));

  torch::Tensor scale_shift;
  if (time_emb_proj_) {
    torch::Tensor projected = time_emb_proj_(torch::silu(temb)).unsqueeze(-1).unsqueeze(-1);
    if (time_embedding_norm_ == TimeEmbeddingNorm::kDefault) {
      hidden.add_(projected);
    } else {
      scale_shift = projected;
    }
  }

  hidden = norm2_(hidden);
  if (scale_shift.defined()) {
    auto parts = scale_shift.chunk(2, /*dim=*/1);
    hidden = torch::addcmul(parts[1], hidden, parts[0] + 1.0);
  }
  hidden = conv2_(torch::silu_(hidden));

  hidden.add_(conv_shortcut_ ? conv_shortcut_(input) : input);
  if (output_scale_factor_ != 1.0) hidden.div_(output_scale_factor_);
  return hidden;
}

}  // namespace backdrop::models
