#pragma once
// diffusers' Attention (models/attention_processor.py) as the UNet uses it: multi-head attention with
// `to_q`, `to_k`, `to_v` and `to_out.0`, optionally attending to a second sequence (cross-attention).
//
// The kernel is chosen once, at compile time: libtorch >= 2.0 has at::scaled_dot_product_attention
// (flash / memory-efficient kernels); older ones (Debian's 1.13) get a query-blocked implementation
// whose score matrix is at most `kAttentionScoreBudget` elements, so peak memory grows linearly with
// the token count instead of with its square (4096 tokens x 8 heads x batch 2 would be 1 GiB).

#include <cstdint>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

namespace backdrop::models {

// Upper bound on the elements of one block of attention scores in the blocked kernel (32 Mi floats,
// 128 MiB in fp32).
inline constexpr int64_t kAttentionScoreBudget = int64_t{1} << 25;

// softmax(q k^T * scale) v for q [B, H, Nq, D], k and v [B, H, Nk, D]; the result is [B, H, Nq, D].
// `upcast` computes scores and softmax in float32 for half-precision inputs (diffusers'
// upcast_attention). Dispatches to the fastest kernel this libtorch has.
torch::Tensor scaled_dot_product_attention(const torch::Tensor& query, const torch::Tensor& key,
                                           const torch::Tensor& value, double scale, bool upcast = false);

// The kernels behind it, exposed so that tests can compare them.
// Query-blocked: at most `score_budget` score elements exist at once.
torch::Tensor blocked_attention(const torch::Tensor& query, const torch::Tensor& key, const torch::Tensor& value,
                                double scale, bool upcast = false, int64_t score_budget = kAttentionScoreBudget);
// Textbook reference: the whole score matrix at once.
torch::Tensor naive_attention(const torch::Tensor& query, const torch::Tensor& key, const torch::Tensor& value,
                              double scale);
// Whether scaled_dot_product_attention uses libtorch's own kernel (libtorch >= 2.0).
bool has_native_sdpa();

struct AttentionOptions {
  int64_t query_dim = 0;
  int64_t cross_attention_dim = 0;  // 0: self-attention (keys and values come from the query input)
  int64_t heads = 8;
  int64_t dim_head = 64;
  bool qkv_bias = false;  // diffusers' `bias`: the UNet has none, the VAE's mid-block attention has them
  bool out_bias = true;
  bool upcast_attention = false;
};

class AttentionImpl : public torch::nn::Module {
 public:
  explicit AttentionImpl(const AttentionOptions& options);

  // hidden_states [B, N, query_dim]; context [B, M, cross_attention_dim] for cross-attention,
  // undefined for self-attention. Returns [B, N, query_dim].
  torch::Tensor forward(const torch::Tensor& hidden_states, const torch::Tensor& context = {});

  int64_t heads() const { return heads_; }

 private:
  int64_t heads_;
  double scale_;
  bool upcast_;
  torch::nn::Linear to_q_{nullptr};
  torch::nn::Linear to_k_{nullptr};
  torch::nn::Linear to_v_{nullptr};
  // diffusers' to_out is [Linear, Dropout]; only the Linear has parameters (`to_out.0.*`).
  torch::nn::ModuleList to_out_{nullptr};
  torch::nn::Linear out_proj_{nullptr};
};
TORCH_MODULE(Attention);

}  // namespace backdrop::models
