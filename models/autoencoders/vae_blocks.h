#pragma once
// The VAE's blocks from diffusers' unet_2d_blocks.py: DownEncoderBlock2D, UpDecoderBlock2D and
// UNetMidBlock2D (resnet, attention, resnet), without time embedding.

#include <cstdint>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include "models/autoencoders/vae_attention.h"
#include "models/layers/resnet.h"
#include "models/layers/sampling.h"

namespace backdrop::models {

// Settings every resnet of the VAE shares.
struct VaeBlockSettings {
  int64_t norm_num_groups = 32;
  double eps = 1e-6;
};

// `num_layers` resnets (resnets.{j}), then an optional stride-2 convolution (downsamplers.0.conv)
// in diffusers' VAE variant: pad right and bottom by one, no padding in the convolution.
class DownEncoderBlock2DImpl : public torch::nn::Module {
 public:
  DownEncoderBlock2DImpl(int64_t in_channels, int64_t out_channels, int64_t num_layers, bool add_downsample,
                         const VaeBlockSettings& settings);
  torch::Tensor forward(torch::Tensor hidden);

 private:
  std::vector<ResnetBlock2D> resnets_;
  Downsample2D downsampler_{nullptr};
};
TORCH_MODULE(DownEncoderBlock2D);

// `num_layers` resnets, then an optional nearest x2 upsampling and convolution (upsamplers.0.conv).
class UpDecoderBlock2DImpl : public torch::nn::Module {
 public:
  UpDecoderBlock2DImpl(int64_t in_channels, int64_t out_channels, int64_t num_layers, bool add_upsample,
                       const VaeBlockSettings& settings);
  torch::Tensor forward(torch::Tensor hidden);

 private:
  std::vector<ResnetBlock2D> resnets_;
  Upsample2D upsampler_{nullptr};
};
TORCH_MODULE(UpDecoderBlock2D);

// resnets.0, then (attentions.0, resnets.1); the attention is left out when `add_attention` is
// false (diffusers' `mid_block_add_attention`).
class UNetMidBlock2DImpl : public torch::nn::Module {
 public:
  UNetMidBlock2DImpl(int64_t channels, bool add_attention, const VaeBlockSettings& settings);
  torch::Tensor forward(torch::Tensor hidden);

 private:
  std::vector<ResnetBlock2D> resnets_;
  VaeAttention attention_{nullptr};
};
TORCH_MODULE(UNetMidBlock2D);

}  // namespace backdrop::models
