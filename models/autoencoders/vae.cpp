#include "models/autoencoders/vae.h"

#include <stdexcept>

#include <torch/torch.h>

namespace backdrop::models {
namespace {

// The encoder and decoder use diffusers' fixed epsilon, not a config value.
constexpr double kVaeNormEps = 1e-6;

torch::nn::Conv2d conv3x3(int64_t in_channels, int64_t out_channels) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, out_channels, 3).padding(1));
}

torch::nn::GroupNorm group_norm(const AutoencoderKLConfig& config, int64_t channels) {
  return torch::nn::GroupNorm(torch::nn::GroupNormOptions(config.norm_num_groups, channels).eps(kVaeNormEps));
}

VaeBlockSettings block_settings(const AutoencoderKLConfig& config) {
  return VaeBlockSettings{config.norm_num_groups, kVaeNormEps};
}

// conv_norm_out -> SiLU -> conv_out, the head both halves end with.
torch::Tensor output_head(torch::nn::GroupNorm norm, torch::nn::Conv2d conv, const torch::Tensor& hidden) {
  torch::Tensor normed = norm(hidden);
  return conv(torch::silu_(normed));
}

}  // namespace

EncoderImpl::EncoderImpl(const AutoencoderKLConfig& config) {
  const auto& channels = config.block_out_channels;
  const auto settings = block_settings(config);
  conv_in_ = register_module("conv_in", conv3x3(config.in_channels, channels.front()));

  auto blocks = register_module("down_blocks", torch::nn::ModuleList());
  int64_t block_in = channels.front();
  for (int64_t level = 0; level < config.levels(); ++level) {
    const bool is_last = level + 1 == config.levels();
    down_blocks_.emplace_back(block_in, channels[level], config.layers_per_block, !is_last, settings);
    blocks->push_back(down_blocks_.back());
    block_in = channels[level];
  }

  mid_block_ = register_module("mid_block", UNetMidBlock2D(channels.back(), config.mid_block_add_attention, settings));
  conv_norm_out_ = register_module("conv_norm_out", group_norm(config, channels.back()));
  // double_z: the encoder predicts a mean and a log-variance per latent channel.
  conv_out_ = register_module("conv_out", conv3x3(channels.back(), 2 * config.latent_channels));
}

torch::Tensor EncoderImpl::forward(const torch::Tensor& image) {
  torch::Tensor hidden = conv_in_(image);
  for (auto& block : down_blocks_) hidden = block(hidden);
  hidden = mid_block_(hidden);
  return output_head(conv_norm_out_, conv_out_, hidden);
}

DecoderImpl::DecoderImpl(const AutoencoderKLConfig& config) {
  const auto& channels = config.block_out_channels;
  const auto settings = block_settings(config);
  conv_in_ = register_module("conv_in", conv3x3(config.latent_channels, channels.back()));
  mid_block_ = register_module("mid_block", UNetMidBlock2D(channels.back(), config.mid_block_add_attention, settings));

  auto blocks = register_module("up_blocks", torch::nn::ModuleList());
  int64_t block_in = channels.back();
  for (int64_t index = 0; index < config.levels(); ++index) {
    const int64_t block_out = channels[config.levels() - 1 - index];
    const bool is_last = index + 1 == config.levels();
    // The decoder has one resnet more per level than the encoder (diffusers: layers_per_block + 1).
    up_blocks_.emplace_back(block_in, block_out, config.layers_per_block + 1, !is_last, settings);
    blocks->push_back(up_blocks_.back());
    block_in = block_out;
  }

  conv_norm_out_ = register_module("conv_norm_out", group_norm(config, channels.front()));
  conv_out_ = register_module("conv_out", conv3x3(channels.front(), config.out_channels));
}

torch::Tensor DecoderImpl::forward(const torch::Tensor& latent) {
  torch::Tensor hidden = mid_block_(conv_in_(latent));
  for (auto& block : up_blocks_) hidden = block(hidden);
  return output_head(conv_norm_out_, conv_out_, hidden);
}

DiagonalGaussianDistribution DiagonalGaussianDistribution::from_moments(const torch::Tensor& moments) {
  if (moments.dim() < 2 || moments.size(1) % 2 != 0) {
    throw std::invalid_argument("DiagonalGaussianDistribution: moments need an even channel count");
  }
  auto halves = moments.chunk(2, /*dim=*/1);
  DiagonalGaussianDistribution distribution;
  distribution.mean = halves[0];
  distribution.logvar = halves[1].clamp(-30.0, 20.0);
  distribution.std = (distribution.logvar * 0.5).exp_();
  return distribution;
}

torch::Tensor DiagonalGaussianDistribution::sample(const torch::Tensor& noise) const {
  if (!noise.sizes().equals(mean.sizes())) {
    throw std::invalid_argument("DiagonalGaussianDistribution::sample: noise shape does not match the mean");
  }
  return torch::addcmul(mean, std, noise.to(mean.options()));
}

}  // namespace backdrop::models
