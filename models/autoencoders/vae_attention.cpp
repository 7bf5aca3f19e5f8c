#include "models/autoencoders/vae_attention.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <torch/torch.h>

namespace backdrop::models {
namespace {

// diffusers computes the VAE attention softmax in float32 (`upcast_softmax`): half-precision
// scores over tens of thousands of tokens lose too much.
torch::Tensor softmax_in_float(const torch::Tensor& scores) {
  if (scores.scalar_type() == torch::kFloat32 || scores.scalar_type() == torch::kFloat64) return scores.softmax(-1);
  return scores.softmax(-1, torch::kFloat32).to(scores.scalar_type());
}

}  // namespace

VaeAttentionImpl::VaeAttentionImpl(const VaeAttentionOptions& options)
    : channels_(options.channels), max_score_elements_(std::max<int64_t>(options.max_score_elements, 1)) {
  if (channels_ <= 0) throw std::invalid_argument("VaeAttention: channels must be positive");
  group_norm_ = register_module(
      "group_norm",
      torch::nn::GroupNorm(torch::nn::GroupNormOptions(options.norm_num_groups, channels_).eps(options.eps)));
  to_q_ = register_module("to_q", torch::nn::Linear(channels_, channels_));
  to_k_ = register_module("to_k", torch::nn::Linear(channels_, channels_));
  to_v_ = register_module("to_v", torch::nn::Linear(channels_, channels_));
  out_proj_ = torch::nn::Linear(channels_, channels_);
  to_out_ = register_module("to_out", torch::nn::ModuleList(out_proj_));
}

// The linear layer applied to every pixel of a [B, C, N] tensor, giving [B, C, N]: a matrix
// product with the weight on the left keeps the channels-first layout, so nothing is transposed.
torch::Tensor VaeAttentionImpl::project(const torch::nn::Linear& linear, const torch::Tensor& channels_first) const {
  return torch::matmul(linear->weight, channels_first).add_(linear->bias.unsqueeze(-1));
}

torch::Tensor VaeAttentionImpl::forward(const torch::Tensor& input) {
  if (input.dim() != 4 || input.size(1) != channels_) {
    throw std::invalid_argument("VaeAttention: expected [B, " + std::to_string(channels_) + ", H, W], got " +
                                std::to_string(input.dim()) + " dimensions");
  }
  const int64_t batch = input.size(0);
  const int64_t tokens = input.size(2) * input.size(3);
  const torch::Tensor residual = input.reshape({batch, channels_, tokens});
  const torch::Tensor normed = group_norm_(input).reshape({batch, channels_, tokens});

  // One head of width C: scale = C^-1/2, folded into the queries (C x N work instead of N x N).
  const torch::Tensor query = project(to_q_, normed).mul_(1.0 / std::sqrt(static_cast<double>(channels_)));
  const torch::Tensor key = project(to_k_, normed);                     // [B, C, N]
  const torch::Tensor value_tokens = project(to_v_, normed).transpose(1, 2);  // [B, N, C], a view

  // Attended values in token layout [B, N, C], filled block by block of queries.
  torch::Tensor attended = torch::empty({batch, tokens, channels_}, normed.options());
  const int64_t block =
      std::clamp<int64_t>(max_score_elements_ / std::max<int64_t>(batch * tokens, 1), 1, std::max<int64_t>(tokens, 1));
  for (int64_t start = 0; start < tokens; start += block) {
    const int64_t count = std::min(block, tokens - start);
    const torch::Tensor queries = query.narrow(2, start, count).transpose(1, 2);  // [B, n, C]
    const torch::Tensor probabilities = softmax_in_float(torch::bmm(queries, key));  // [B, n, N]
    torch::Tensor rows = attended.narrow(1, start, count);
    torch::bmm_out(rows, probabilities, value_tokens);
  }

  // to_out.0 on every token, back to [B, C, N], plus the residual.
  torch::Tensor output = torch::matmul(out_proj_->weight, attended.transpose(1, 2));
  output.add_(out_proj_->bias.unsqueeze(-1)).add_(residual);
  return output.view_as(input);
}

}  // namespace backdrop::models
