#include "models/autoencoders/vae_attention.h"

#include <cmath>
#include <stdexcept>

#include <torch/torch.h>

#include "models/layers/attention.h"

namespace backdrop::models {

VaeAttentionImpl::VaeAttentionImpl(const VaeAttentionOptions& options)
    : channels_(options.channels) {
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

  // One head of width C, [B, 1, N, C] views of the channels-first projections. diffusers computes
  // this softmax in float32 (`upcast_softmax`): half-precision scores over tens of thousands of
  // tokens lose too much.
  const auto heads_view = [](const torch::Tensor& channels_first) { return channels_first.transpose(1, 2).unsqueeze(1); };
  const torch::Tensor attended =
      scaled_dot_product_attention(heads_view(project(to_q_, normed)), heads_view(project(to_k_, normed)),
                                   heads_view(project(to_v_, normed)), 1.0 / std::sqrt(static_cast<double>(channels_)),
                                   /*upcast=*/true)
          .squeeze(1);  // [B, N, C]

  // to_out.0 on every token, back to [B, C, N], plus the residual.
  torch::Tensor output = torch::matmul(out_proj_->weight, attended.transpose(1, 2));
  output.add_(out_proj_->bias.unsqueeze(-1)).add_(residual);
  return output.view_as(input);
}

}  // namespace backdrop::models
