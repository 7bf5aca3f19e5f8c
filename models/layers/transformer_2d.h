#pragma once
// diffusers' Transformer2DModel for continuous (image) input (models/transformers/transformer_2d.py)
// and its BasicTransformerBlock (models/attention.py), as the SD 1.5 UNet and ControlNet use them:
// group norm, proj_in (1x1 conv, or linear with use_linear_projection), transformer blocks of
// self-attention, cross-attention and a GEGLU feed-forward, proj_out, plus the input as residual.

#include <cstdint>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "models/layers/attention.h"

namespace backdrop::models {

// GEGLU (`ff.net.0`): proj to twice the inner width, then hidden * gelu(gate).
class GEGLUImpl : public torch::nn::Module {
 public:
  GEGLUImpl(int64_t dim_in, int64_t dim_out);
  torch::Tensor forward(const torch::Tensor& input);

 private:
  torch::nn::Linear proj_{nullptr};
};
TORCH_MODULE(GEGLU);

// FeedForward with activation "geglu": net.0 = GEGLU(dim, 4 dim), net.1 = Dropout, net.2 = Linear(4 dim, dim).
class FeedForwardImpl : public torch::nn::Module {
 public:
  explicit FeedForwardImpl(int64_t dim, int64_t mult = 4);
  torch::Tensor forward(const torch::Tensor& input);

 private:
  GEGLU geglu_{nullptr};
  torch::nn::Linear out_{nullptr};
};
TORCH_MODULE(FeedForward);

struct BasicTransformerBlockOptions {
  int64_t dim = 0;
  int64_t heads = 8;
  int64_t dim_head = 40;
  int64_t cross_attention_dim = 0;  // 0: attn2 attends to the block's own input
  bool only_cross_attention = false;
  bool upcast_attention = false;
};

class BasicTransformerBlockImpl : public torch::nn::Module {
 public:
  explicit BasicTransformerBlockImpl(const BasicTransformerBlockOptions& options);
  // x = x + attn1(norm1(x)); x = x + attn2(norm2(x), context); x = x + ff(norm3(x)), on [B, N, dim].
  torch::Tensor forward(torch::Tensor hidden_states, const torch::Tensor& context);

 private:
  bool only_cross_attention_;
  torch::nn::LayerNorm norm1_{nullptr};
  Attention attn1_{nullptr};
  torch::nn::LayerNorm norm2_{nullptr};
  Attention attn2_{nullptr};
  torch::nn::LayerNorm norm3_{nullptr};
  FeedForward ff_{nullptr};
};
TORCH_MODULE(BasicTransformerBlock);

struct Transformer2DOptions {
  int64_t in_channels = 0;
  int64_t heads = 8;
  int64_t dim_head = 40;  // inner width = heads * dim_head
  int64_t num_layers = 1;
  int64_t cross_attention_dim = 0;
  int64_t norm_num_groups = 32;
  bool use_linear_projection = false;
  bool only_cross_attention = false;
  bool upcast_attention = false;
};

class Transformer2DModelImpl : public torch::nn::Module {
 public:
  explicit Transformer2DModelImpl(const Transformer2DOptions& options);
  // hidden_states [B, C, H, W], context [B, M, cross_attention_dim] -> [B, C, H, W].
  torch::Tensor forward(const torch::Tensor& hidden_states, const torch::Tensor& context);

 private:
  bool use_linear_projection_;
  int64_t inner_dim_;
  torch::nn::GroupNorm norm_{nullptr};
  // Exactly one of each pair exists, depending on use_linear_projection.
  torch::nn::Conv2d proj_in_conv_{nullptr};
  torch::nn::Linear proj_in_linear_{nullptr};
  torch::nn::ModuleList transformer_blocks_{nullptr};
  torch::nn::Conv2d proj_out_conv_{nullptr};
  torch::nn::Linear proj_out_linear_{nullptr};
};
TORCH_MODULE(Transformer2DModel);

}  // namespace backdrop::models
