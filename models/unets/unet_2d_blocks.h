#pragma once
// diffusers' UNet blocks (models/unets/unet_2d_blocks.py), built from per-level options:
//   DownBlock2D / CrossAttnDownBlock2D -> DownBlock2D with or without `attentions`
//   UNetMidBlock2DCrossAttn             -> UNetMidBlock2DCrossAttn
//   UpBlock2D / CrossAttnUpBlock2D      -> UpBlock2D with or without `attentions`
// The cross-attention variants differ from the plain ones only by a Transformer2DModel after each
// resnet, so one class each keeps the data flow in one place. Parameter names are diffusers':
// resnets.{i}, attentions.{i}, downsamplers.0.conv, upsamplers.0.conv.

#include <cstdint>
#include <optional>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include "models/layers/sampling.h"

namespace backdrop::models {

// Everything a block needs besides its channel counts.
struct UNetBlockOptions {
  int64_t num_layers = 2;
  int64_t temb_channels = 1280;
  int64_t norm_num_groups = 32;
  double norm_eps = 1e-5;
  bool cross_attention = true;  // a Transformer2DModel after each resnet
  int64_t heads = 8;
  int64_t cross_attention_dim = 768;
  int64_t transformer_layers = 1;
  bool use_linear_projection = false;
  bool only_cross_attention = false;
  bool upcast_attention = false;
};

class DownBlock2DImpl : public torch::nn::Module {
 public:
  DownBlock2DImpl(int64_t in_channels, int64_t out_channels, bool add_downsample, int64_t downsample_padding,
                  const UNetBlockOptions& options);
  // Appends every skip connection this block produces (one per resnet, plus the downsampler's
  // output) to `skips` and returns the block output.
  torch::Tensor forward(torch::Tensor hidden_states, const torch::Tensor& temb, const torch::Tensor& context,
                        std::vector<torch::Tensor>& skips);

 private:
  torch::nn::ModuleList resnets_{nullptr};
  torch::nn::ModuleList attentions_{nullptr};
  Downsample2D downsampler_{nullptr};
};
TORCH_MODULE(DownBlock2D);

class UNetMidBlock2DCrossAttnImpl : public torch::nn::Module {
 public:
  // `options.num_layers` counts the (attention, resnet) pairs after the first resnet (1 in SD 1.5).
  UNetMidBlock2DCrossAttnImpl(int64_t channels, double output_scale_factor, const UNetBlockOptions& options);
  torch::Tensor forward(torch::Tensor hidden_states, const torch::Tensor& temb, const torch::Tensor& context);

 private:
  torch::nn::ModuleList resnets_{nullptr};
  torch::nn::ModuleList attentions_{nullptr};
};
TORCH_MODULE(UNetMidBlock2DCrossAttn);

class UpBlock2DImpl : public torch::nn::Module {
 public:
  // prev_output_channels: channels coming from the block below; in_channels: the channels of this
  // level's first skip connection (the one consumed last).
  UpBlock2DImpl(int64_t in_channels, int64_t out_channels, int64_t prev_output_channels, bool add_upsample,
                const UNetBlockOptions& options);
  // Consumes skip connections from the back of `skips` (one per resnet). `upsample_size` is the
  // size to upsample to when the latent does not divide by the total downsampling factor.
  torch::Tensor forward(torch::Tensor hidden_states, const torch::Tensor& temb, const torch::Tensor& context,
                        std::vector<torch::Tensor>& skips,
                        const std::optional<std::vector<int64_t>>& upsample_size = std::nullopt);

  int64_t num_resnets() const { return static_cast<int64_t>(resnets_->size()); }

 private:
  torch::nn::ModuleList resnets_{nullptr};
  torch::nn::ModuleList attentions_{nullptr};
  Upsample2D upsampler_{nullptr};
};
TORCH_MODULE(UpBlock2D);

}  // namespace backdrop::models
