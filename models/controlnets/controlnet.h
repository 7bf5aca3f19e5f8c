#pragma once
// diffusers' ControlNetModel (models/controlnet.py): a trainable copy of the UNet encoder that sees
// the latent plus an embedded conditioning image (edges, depth ...) and returns one residual per
// UNet skip connection and one for the mid block, each through a 1x1 ("zero") convolution and
// scaled by conditioning_scale. The UNet adds them (UNet2DConditionModel::forward).

#include <cstdint>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include "models/controlnets/controlnet_config.h"
#include "models/unets/unet_2d_condition.h"
#include "models/unets/unet_encoder.h"

namespace backdrop::models {

// controlnet_cond_embedding: conv_in -> SiLU, then per block conv -> SiLU (every second block has
// stride 2), then conv_out. Downsamples the image by 2^(len(out_channels) - 1) to the latent size.
class ControlNetConditioningEmbeddingImpl : public torch::nn::Module {
 public:
  ControlNetConditioningEmbeddingImpl(int64_t conditioning_channels, const std::vector<int64_t>& block_out_channels,
                                      int64_t embedding_channels);
  torch::Tensor forward(const torch::Tensor& conditioning);

 private:
  torch::nn::Conv2d conv_in_{nullptr};
  torch::nn::ModuleList blocks_{nullptr};
  torch::nn::Conv2d conv_out_{nullptr};
};
TORCH_MODULE(ControlNetConditioningEmbedding);

class ControlNetModelImpl : public torch::nn::Module {
 public:
  explicit ControlNetModelImpl(const ControlNetConfig& config);

  // sample, timesteps and encoder_hidden_states as for the UNet; controlnet_cond
  // [B, conditioning_channels, 8H, 8W] (for SD 1.5) in [0, 1]. Inputs must be on the module's
  // device and in its dtype.
  ControlNetResiduals forward(const torch::Tensor& sample, const torch::Tensor& timesteps,
                              const torch::Tensor& encoder_hidden_states, const torch::Tensor& controlnet_cond,
                              double conditioning_scale = 1.0);

  const ControlNetConfig& config() const { return config_; }

 private:
  ControlNetConfig config_;
  UNetEncoder encoder_;
  ControlNetConditioningEmbedding controlnet_cond_embedding_{nullptr};
  torch::nn::ModuleList controlnet_down_blocks_{nullptr};
  torch::nn::Conv2d controlnet_mid_block_{nullptr};
};
TORCH_MODULE(ControlNetModel);

}  // namespace backdrop::models
