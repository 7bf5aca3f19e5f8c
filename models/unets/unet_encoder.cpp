#include "models/unets/unet_encoder.h"

#include <stdexcept>
#include <string>

#include <torch/torch.h>

namespace backdrop::models {

UNetBlockOptions unet_block_options(const UNetEncoderConfig& config, int64_t level, int64_t num_layers,
                                    bool cross_attention) {
  UNetBlockOptions options;
  options.num_layers = num_layers;
  options.temb_channels = config.time_embed_dim();
  options.norm_num_groups = config.norm_num_groups;
  options.norm_eps = config.norm_eps;
  options.cross_attention = cross_attention;
  options.heads = config.attention_heads.at(level);
  options.cross_attention_dim = config.cross_attention_dim.at(level);
  options.transformer_layers = config.transformer_layers_per_block.at(level);
  options.use_linear_projection = config.use_linear_projection;
  options.only_cross_attention = config.only_cross_attention;
  options.upcast_attention = config.upcast_attention;
  return options;
}

UNetEncoder::UNetEncoder(torch::nn::Module& owner, const UNetEncoderConfig& config) : config_(config) {
  const auto& channels = config.block_out_channels;
  time_proj_.dim = channels.front();
  time_proj_.flip_sin_to_cos = config.flip_sin_to_cos;
  time_proj_.freq_shift = config.freq_shift;

  const int64_t padding = (config.conv_in_kernel - 1) / 2;
  conv_in_ = owner.register_module(
      "conv_in",
      torch::nn::Conv2d(
          torch::nn::Conv2dOptions(config.in_channels, channels.front(), config.conv_in_kernel).padding(padding)));
  time_embedding_ =
      owner.register_module("time_embedding", TimestepEmbedding(channels.front(), config.time_embed_dim()));

  down_blocks_ = owner.register_module("down_blocks", torch::nn::ModuleList());
  for (int64_t level = 0; level < config.levels(); ++level) {
    const int64_t in_channels = channels.at(level == 0 ? 0 : level - 1);
    const bool is_last = level == config.levels() - 1;
    down_blocks_->push_back(DownBlock2D(
        in_channels, channels.at(level), /*add_downsample=*/!is_last, config.downsample_padding,
        unet_block_options(config, level, config.layers_per_block.at(level), config.has_cross_attention(level))));
  }

  const int64_t last = config.levels() - 1;
  // One (attention, resnet) pair after the first resnet, as in every diffusers UNet config.
  const auto mid_options = unet_block_options(config, last, /*num_layers=*/1, /*cross_attention=*/true);
  mid_block_ = owner.register_module(
      "mid_block", UNetMidBlock2DCrossAttn(channels.back(), config.mid_block_scale_factor, mid_options));
}

torch::Tensor UNetEncoder::embed_timesteps(const torch::Tensor& timesteps, int64_t batch, const torch::Device& device,
                                           c10::ScalarType dtype) {
  const torch::Tensor features = timestep_embedding(broadcast_timesteps(timesteps, batch, device), time_proj_);
  return time_embedding_(features.to(dtype));
}

torch::Tensor UNetEncoder::conv_in(const torch::Tensor& sample) {
  return conv_in_(sample);
}

torch::Tensor UNetEncoder::down(torch::Tensor hidden_states, const torch::Tensor& temb, const torch::Tensor& context,
                                std::vector<torch::Tensor>& skips) {
  skips.push_back(hidden_states);
  for (const auto& block : *down_blocks_) {
    hidden_states = block->as<DownBlock2D>()->forward(hidden_states, temb, context, skips);
  }
  return hidden_states;
}

torch::Tensor UNetEncoder::mid(const torch::Tensor& hidden_states, const torch::Tensor& temb,
                               const torch::Tensor& context) {
  return mid_block_(hidden_states, temb, context);
}

void check_unet_inputs(const UNetEncoderConfig& config, const torch::Tensor& sample, const torch::Tensor& context,
                       const char* model) {
  if (sample.dim() != 4 || sample.size(1) != config.in_channels) {
    throw std::invalid_argument(std::string(model) + ": expected a sample [B, " + std::to_string(config.in_channels) +
                                ", H, W], got " + c10::str(sample.sizes()));
  }
  const int64_t width = config.cross_attention_dim.front();
  if (context.dim() != 3 || context.size(0) != sample.size(0) || context.size(2) != width) {
    throw std::invalid_argument(std::string(model) + ": expected encoder_hidden_states [" +
                                std::to_string(sample.size(0)) + ", M, " + std::to_string(width) + "], got " +
                                c10::str(context.sizes()));
  }
}

}  // namespace backdrop::models
