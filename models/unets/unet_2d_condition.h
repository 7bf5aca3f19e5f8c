#pragma once
// diffusers' UNet2DConditionModel (models/unets/unet_2d_condition.py) for SD 1.5-family configs:
// conv_in -> down blocks -> mid block -> up blocks -> GroupNorm, SiLU, conv_out, conditioned on the
// timestep and on text embeddings (cross-attention), optionally with ControlNet residuals.

#include <cstdint>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "models/unets/unet_config.h"
#include "models/unets/unet_encoder.h"

namespace backdrop::models {

// What a ControlNet adds to a UNet: one residual per skip connection (conv_in output first, then
// each down block's resnets and downsampler, in order) and one for the mid-block output.
struct ControlNetResiduals {
  std::vector<torch::Tensor> down;
  torch::Tensor mid;
};

class UNet2DConditionModelImpl : public torch::nn::Module {
 public:
  explicit UNet2DConditionModelImpl(const UNet2DConditionConfig& config);

  // sample [B, in_channels, H, W] (any H, W); timesteps 0-dim or [B], integer or float;
  // encoder_hidden_states [B, M, cross_attention_dim]. Returns [B, out_channels, H, W].
  // Inputs must already be on the module's device and in its dtype.
  torch::Tensor forward(const torch::Tensor& sample, const torch::Tensor& timesteps,
                        const torch::Tensor& encoder_hidden_states, const ControlNetResiduals* residuals = nullptr);

  const UNet2DConditionConfig& config() const { return config_; }

 private:
  UNet2DConditionConfig config_;
  UNetEncoder encoder_;
  torch::nn::ModuleList up_blocks_{nullptr};
  torch::nn::GroupNorm conv_norm_out_{nullptr};
  torch::nn::Conv2d conv_out_{nullptr};
};
TORCH_MODULE(UNet2DConditionModel);

}  // namespace backdrop::models
