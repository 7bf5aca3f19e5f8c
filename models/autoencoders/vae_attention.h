#pragma once
// The VAE mid-block self-attention: diffusers' `Attention` as built by UNetMidBlock2D for the VAE
// (one head of the full channel width, group norm in front, residual connection). Parameters keep
// diffusers' names and layouts: group_norm, to_q, to_k, to_v, to_out.0, linear weights [C, C].
// The attention itself is layers/attention.h's kernel, whose memory grows linearly with the token
// count (a 1920x1080 image has 32400 latent tokens: a full fp32 score matrix would take 4 GB).

#include <cstdint>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

namespace backdrop::models {

struct VaeAttentionOptions {
  int64_t channels = 0;
  int64_t norm_num_groups = 32;
  double eps = 1e-6;
};

class VaeAttentionImpl : public torch::nn::Module {
 public:
  explicit VaeAttentionImpl(const VaeAttentionOptions& options);
  // [B, C, H, W] -> [B, C, H, W]
  torch::Tensor forward(const torch::Tensor& input);

 private:
  torch::Tensor project(const torch::nn::Linear& linear, const torch::Tensor& channels_first) const;

  int64_t channels_;
  torch::nn::GroupNorm group_norm_{nullptr};
  torch::nn::Linear to_q_{nullptr};
  torch::nn::Linear to_k_{nullptr};
  torch::nn::Linear to_v_{nullptr};
  torch::nn::ModuleList to_out_{nullptr};
  torch::nn::Linear out_proj_{nullptr};  // to_out.0 (to_out.1 is a dropout: identity at inference)
};
TORCH_MODULE(VaeAttention);

}  // namespace backdrop::models
