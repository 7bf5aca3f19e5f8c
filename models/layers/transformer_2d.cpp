#include "models/layers/transformer_2d.h"

#include <stdexcept>
#include <string>

#include <torch/torch.h>

namespace backdrop::models {
namespace {

// diffusers' LayerNorm defaults inside BasicTransformerBlock: affine, eps 1e-5.
torch::nn::LayerNorm layer_norm(int64_t dim) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-5));
}

torch::nn::Conv2d conv1x1(int64_t in_channels, int64_t out_channels) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, out_channels, 1));
}

}  // namespace

GEGLUImpl::GEGLUImpl(int64_t dim_in, int64_t dim_out)
    : proj_(register_module("proj", torch::nn::Linear(dim_in, 2 * dim_out))) {}

torch::Tensor GEGLUImpl::forward(const torch::Tensor& input) {
  const auto halves = proj_(input).chunk(2, -1);
  // gelu(gate) is a fresh tensor: multiplying into it saves one activation of 4x the width.
  return torch::gelu(halves[1]).mul_(halves[0]);
}

FeedForwardImpl::FeedForwardImpl(int64_t dim, int64_t mult) {
  geglu_ = GEGLU(dim, dim * mult);
  out_ = torch::nn::Linear(dim * mult, dim);
  // net.1 is diffusers' Dropout: no parameters, an identity at inference.
  register_module("net", torch::nn::ModuleDict(torch::OrderedDict<std::string, std::shared_ptr<Module>>{
                             {"0", geglu_.ptr()}, {"2", out_.ptr()}}));
}

torch::Tensor FeedForwardImpl::forward(const torch::Tensor& input) {
  return out_(geglu_(input));
}

BasicTransformerBlockImpl::BasicTransformerBlockImpl(const BasicTransformerBlockOptions& options)
    : only_cross_attention_(options.only_cross_attention) {
  AttentionOptions self_attention;
  self_attention.query_dim = options.dim;
  self_attention.heads = options.heads;
  self_attention.dim_head = options.dim_head;
  self_attention.upcast_attention = options.upcast_attention;
  if (options.only_cross_attention) self_attention.cross_attention_dim = options.cross_attention_dim;
  AttentionOptions cross_attention = self_attention;
  cross_attention.cross_attention_dim = options.cross_attention_dim;

  norm1_ = register_module("norm1", layer_norm(options.dim));
  attn1_ = register_module("attn1", Attention(self_attention));
  norm2_ = register_module("norm2", layer_norm(options.dim));
  attn2_ = register_module("attn2", Attention(cross_attention));
  norm3_ = register_module("norm3", layer_norm(options.dim));
  ff_ = register_module("ff", FeedForward(options.dim));
}

torch::Tensor BasicTransformerBlockImpl::forward(torch::Tensor hidden_states, const torch::Tensor& context) {
  // Each sub-layer's output is fresh, so the residual is added in place.
  hidden_states = attn1_(norm1_(hidden_states), only_cross_attention_ ? context : torch::Tensor()).add_(hidden_states);
  hidden_states = attn2_(norm2_(hidden_states), context).add_(hidden_states);
  return ff_(norm3_(hidden_states)).add_(hidden_states);
}

Transformer2DModelImpl::Transformer2DModelImpl(const Transformer2DOptions& options)
    : use_linear_projection_(options.use_linear_projection), inner_dim_(options.heads * options.dim_head) {
  if (options.in_channels <= 0 || inner_dim_ <= 0) {
    throw std::invalid_argument("Transformer2DModel: in_channels and heads * dim_head must be positive (got " +
                                std::to_string(options.in_channels) + ", " + std::to_string(inner_dim_) + ")");
  }
  // diffusers builds this group norm with eps 1e-6 whatever the UNet's norm_eps.
  norm_ = register_module(
      "norm",
      torch::nn::GroupNorm(torch::nn::GroupNormOptions(options.norm_num_groups, options.in_channels).eps(1e-6)));
  if (use_linear_projection_) {
    proj_in_linear_ = register_module("proj_in", torch::nn::Linear(options.in_channels, inner_dim_));
  } else {
    proj_in_conv_ = register_module("proj_in", conv1x1(options.in_channels, inner_dim_));
  }

  BasicTransformerBlockOptions block;
  block.dim = inner_dim_;
  block.heads = options.heads;
  block.dim_head = options.dim_head;
  block.cross_attention_dim = options.cross_attention_dim;
  block.only_cross_attention = options.only_cross_attention;
  block.upcast_attention = options.upcast_attention;
  transformer_blocks_ = register_module("transformer_blocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < options.num_layers; ++i) transformer_blocks_->push_back(BasicTransformerBlock(block));

  if (use_linear_projection_) {
    proj_out_linear_ = register_module("proj_out", torch::nn::Linear(inner_dim_, options.in_channels));
  } else {
    proj_out_conv_ = register_module("proj_out", conv1x1(inner_dim_, options.in_channels));
  }
}

torch::Tensor Transformer2DModelImpl::forward(const torch::Tensor& hidden_states, const torch::Tensor& context) {
  const int64_t batch = hidden_states.size(0), height = hidden_states.size(2), width = hidden_states.size(3);
  // [B, C, H, W] <-> [B, H*W, C]
  auto to_tokens = [&](const torch::Tensor& image) {
    return image.permute({0, 2, 3, 1}).reshape({batch, height * width, image.size(1)});
  };
  auto to_image = [&](const torch::Tensor& tokens) {
    return tokens.view({batch, height, width, tokens.size(2)}).permute({0, 3, 1, 2}).contiguous();
  };

  torch::Tensor tokens = norm_(hidden_states);
  tokens = use_linear_projection_ ? proj_in_linear_(to_tokens(tokens)) : to_tokens(proj_in_conv_(tokens));
  for (const auto& block : *transformer_blocks_) {
    tokens = block->as<BasicTransformerBlock>()->forward(tokens, context);
  }
  torch::Tensor output = use_linear_projection_ ? to_image(proj_out_linear_(tokens)) : proj_out_conv_(to_image(tokens));
  return output.add_(hidden_states);
}

}  // namespace backdrop::models
