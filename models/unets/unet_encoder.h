#pragma once
// The part of UNet2DConditionModel that ControlNetModel copies: conv_in, the timestep embedding
// (time_proj + time_embedding), the down blocks and the mid block. Both models own one; it
// registers its modules directly on the owning model so that their names stay diffusers' top-level
// names (`conv_in.*`, `time_embedding.*`, `down_blocks.*`, `mid_block.*`).

#include <cstdint>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>

#include "models/layers/embeddings.h"
#include "models/unets/unet_2d_blocks.h"
#include "models/unets/unet_config.h"

namespace backdrop::models {

class UNetEncoder {
 public:
  UNetEncoder(torch::nn::Module& owner, const UNetEncoderConfig& config);

  // timesteps: 0-dim or [B], integer or float -> [B, time_embed_dim] in `dtype`.
  torch::Tensor embed_timesteps(const torch::Tensor& timesteps, int64_t batch, const torch::Device& device,
                                c10::ScalarType dtype);
  torch::Tensor conv_in(const torch::Tensor& sample);
  // Runs the down blocks on conv_in's output; `skips` receives that output followed by every skip
  // connection of the down blocks (diffusers' down_block_res_samples, in order).
  torch::Tensor down(torch::Tensor hidden_states, const torch::Tensor& temb, const torch::Tensor& context,
                     std::vector<torch::Tensor>& skips);
  torch::Tensor mid(const torch::Tensor& hidden_states, const torch::Tensor& temb, const torch::Tensor& context);

  const UNetEncoderConfig& config() const { return config_; }

 private:
  UNetEncoderConfig config_;
  TimestepProjection time_proj_;
  torch::nn::Conv2d conv_in_{nullptr};
  TimestepEmbedding time_embedding_{nullptr};
  torch::nn::ModuleList down_blocks_{nullptr};
  UNetMidBlock2DCrossAttn mid_block_{nullptr};
};

// Block options of level `level` (heads, cross-attention width, layers ...) from the config.
UNetBlockOptions unet_block_options(const UNetEncoderConfig& config, int64_t level, int64_t num_layers,
                                    bool cross_attention);

// Checks a conditioning tensor against the config: [B, M, cross_attention_dim].
void check_unet_inputs(const UNetEncoderConfig& config, const torch::Tensor& sample, const torch::Tensor& context,
                       const char* model);

}  // namespace backdrop::models
