#include "models/unets/unet_2d_condition.h"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>

#include <torch/torch.h>

namespace backdrop::models {
namespace {

// A residual may be smaller than its skip connection where it broadcasts (pooled ControlNets).
bool broadcasts_to(const torch::Tensor& residual, const torch::Tensor& target) {
  if (residual.dim() != target.dim()) return false;
  for (int64_t d = 0; d < target.dim(); ++d) {
    if (residual.size(d) != target.size(d) && residual.size(d) != 1) return false;
  }
  return true;
}

void add_residuals(std::vector<torch::Tensor>& skips, const ControlNetResiduals& residuals) {
  if (residuals.down.size() != skips.size()) {
    throw std::invalid_argument("UNet2DConditionModel: " + std::to_string(residuals.down.size()) +
                                " ControlNet down residuals for " + std::to_string(skips.size()) + " skip connections");
  }
  for (std::size_t i = 0; i < skips.size(); ++i) {
    if (!broadcasts_to(residuals.down[i], skips[i])) {
      throw std::invalid_argument("UNet2DConditionModel: ControlNet down residual " + std::to_string(i) + " is " +
                                  c10::str(residuals.down[i].sizes()) + ", the skip connection is " +
                                  c10::str(skips[i].sizes()));
    }
    // Not in place: the skip tensors are the down blocks' outputs, possibly still in use.
    skips[i] = skips[i] + residuals.down[i];
  }
}

}  // namespace

UNet2DConditionModelImpl::UNet2DConditionModelImpl(const UNet2DConditionConfig& config)
    : config_(config), encoder_(*this, config.encoder) {
  const auto& encoder = config.encoder;
  const int64_t levels = encoder.levels();
  // Up block i mirrors level (levels - 1 - i).
  up_blocks_ = register_module("up_blocks", torch::nn::ModuleList());
  int64_t output_channels = encoder.block_out_channels.back();
  for (int64_t i = 0; i < levels; ++i) {
    const int64_t level = levels - 1 - i;
    const int64_t prev_output_channels = output_channels;
    output_channels = encoder.block_out_channels.at(level);
    const int64_t skip_channels = encoder.block_out_channels.at(std::max<int64_t>(level - 1, 0));
    const bool is_last = i == levels - 1;
    up_blocks_->push_back(
        UpBlock2D(skip_channels, output_channels, prev_output_channels, /*add_upsample=*/!is_last,
                  unet_block_options(encoder, level, config.up_layers(i), config.up_has_cross_attention(i))));
  }

  const int64_t first = encoder.block_out_channels.front();
  conv_norm_out_ = register_module(
      "conv_norm_out",
      torch::nn::GroupNorm(torch::nn::GroupNormOptions(encoder.norm_num_groups, first).eps(encoder.norm_eps)));
  conv_out_ = register_module(
      "conv_out", torch::nn::Conv2d(torch::nn::Conv2dOptions(first, config.out_channels, config.conv_out_kernel)
                                        .padding((config.conv_out_kernel - 1) / 2)));
}

torch::Tensor UNet2DConditionModelImpl::forward(const torch::Tensor& sample, const torch::Tensor& timesteps,
                                                const torch::Tensor& encoder_hidden_states,
                                                const ControlNetResiduals* residuals) {
  check_unet_inputs(config_.encoder, sample, encoder_hidden_states, "UNet2DConditionModel");
  const torch::Tensor temb = encoder_.embed_timesteps(timesteps, sample.size(0), sample.device(), sample.scalar_type());

  std::vector<torch::Tensor> skips;
  torch::Tensor hidden_states = encoder_.down(encoder_.conv_in(sample), temb, encoder_hidden_states, skips);
  if (residuals != nullptr) add_residuals(skips, *residuals);
  hidden_states = encoder_.mid(hidden_states, temb, encoder_hidden_states);
  if (residuals != nullptr && residuals->mid.defined()) hidden_states = hidden_states + residuals->mid;

  // Latents that do not divide by the total downsampling factor upsample to each skip's size.
  const int64_t factor = int64_t{1} << (config_.encoder.levels() - 1);
  const bool explicit_sizes = sample.size(2) % factor != 0 || sample.size(3) % factor != 0;
  for (std::size_t i = 0; i < up_blocks_->size(); ++i) {
    auto block = up_blocks_[i]->as<UpBlock2D>();
    std::optional<std::vector<int64_t>> upsample_size;
    const bool is_last = i + 1 == up_blocks_->size();
    if (explicit_sizes && !is_last) {
      const auto& next_skip = skips.at(skips.size() - 1 - static_cast<std::size_t>(block->num_resnets()));
      upsample_size = std::vector<int64_t>{next_skip.size(2), next_skip.size(3)};
    }
    hidden_states = block->forward(hidden_states, temb, encoder_hidden_states, skips, upsample_size);
  }
  return conv_out_(torch::silu(conv_norm_out_(hidden_states)));
}

}  // namespace backdrop::models
