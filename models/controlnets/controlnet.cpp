#include "models/controlnets/controlnet.h"

#include <stdexcept>
#include <string>

#include <torch/torch.h>

namespace backdrop::models {
namespace {

torch::nn::Conv2d conv3x3(int64_t in_channels, int64_t out_channels, int64_t stride = 1) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, out_channels, 3).padding(1).stride(stride));
}

torch::nn::Conv2d zero_conv(int64_t channels) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 1));
}

}  // namespace

ControlNetConditioningEmbeddingImpl::ControlNetConditioningEmbeddingImpl(int64_t conditioning_channels,
                                                                         const std::vector<int64_t>& block_out_channels,
                                                                         int64_t embedding_channels) {
  conv_in_ = register_module("conv_in", conv3x3(conditioning_channels, block_out_channels.front()));
  blocks_ = register_module("blocks", torch::nn::ModuleList());
  for (std::size_t i = 0; i + 1 < block_out_channels.size(); ++i) {
    blocks_->push_back(conv3x3(block_out_channels[i], block_out_channels[i]));
    blocks_->push_back(conv3x3(block_out_channels[i], block_out_channels[i + 1], /*stride=*/2));
  }
  conv_out_ = register_module("conv_out", conv3x3(block_out_channels.back(), embedding_channels));
}

torch::Tensor ControlNetConditioningEmbeddingImpl::forward(const torch::Tensor& conditioning) {
  torch::Tensor embedding = conv_in_(conditioning);
  torch::silu_(embedding);
  for (const auto& block : *blocks_) {
    embedding = block->as<torch::nn::Conv2d>()->forward(embedding);
    torch::silu_(embedding);
  }
  return conv_out_(embedding);
}

ControlNetModelImpl::ControlNetModelImpl(const ControlNetConfig& config)
    : config_(config), encoder_(*this, config.encoder) {
  const auto& encoder = config.encoder;
  controlnet_cond_embedding_ = register_module(
      "controlnet_cond_embedding",
      ControlNetConditioningEmbedding(config.conditioning_channels, config.conditioning_embedding_out_channels,
                                      encoder.block_out_channels.front()));

  // One zero convolution per UNet skip connection: conv_in's, each resnet's, each downsampler's.
  controlnet_down_blocks_ = register_module("controlnet_down_blocks", torch::nn::ModuleList());
  for (const int64_t channels : encoder.skip_connection_channels())
    controlnet_down_blocks_->push_back(zero_conv(channels));
  controlnet_mid_block_ = register_module("controlnet_mid_block", zero_conv(encoder.block_out_channels.back()));
}

ControlNetResiduals ControlNetModelImpl::forward(const torch::Tensor& sample, const torch::Tensor& timesteps,
                                                 const torch::Tensor& encoder_hidden_states,
                                                 const torch::Tensor& controlnet_cond, double conditioning_scale) {
  check_unet_inputs(config_.encoder, sample, encoder_hidden_states, "ControlNetModel");
  if (controlnet_cond.dim() != 4 || controlnet_cond.size(0) != sample.size(0) ||
      controlnet_cond.size(1) != config_.conditioning_channels) {
    throw std::invalid_argument("ControlNetModel: expected controlnet_cond [" + std::to_string(sample.size(0)) + ", " +
                                std::to_string(config_.conditioning_channels) + ", H, W], got " +
                                c10::str(controlnet_cond.sizes()));
  }
  const torch::Tensor conditioning = config_.bgr_conditioning ? controlnet_cond.flip({1}) : controlnet_cond;
  const torch::Tensor temb = encoder_.embed_timesteps(timesteps, sample.size(0), sample.device(), sample.scalar_type());

  const torch::Tensor embedded = controlnet_cond_embedding_(conditioning);
  torch::Tensor hidden_states = encoder_.conv_in(sample);
  if (embedded.sizes() != hidden_states.sizes()) {
    throw std::invalid_argument("ControlNetModel: the conditioning image embeds to " + c10::str(embedded.sizes()) +
                                " but the latent is " + c10::str(hidden_states.sizes()) +
                                " (the image must be the latent size times the embedding's downsampling)");
  }
  hidden_states = hidden_states + embedded;

  std::vector<torch::Tensor> skips;
  hidden_states = encoder_.down(hidden_states, temb, encoder_hidden_states, skips);
  hidden_states = encoder_.mid(hidden_states, temb, encoder_hidden_states);

  ControlNetResiduals residuals;
  for (std::size_t i = 0; i < skips.size(); ++i) {
    residuals.down.push_back(controlnet_down_blocks_[i]->as<torch::nn::Conv2d>()->forward(skips[i]) *
                             conditioning_scale);
  }
  residuals.mid = controlnet_mid_block_(hidden_states) * conditioning_scale;
  if (config_.global_pool_conditions) {
    for (auto& residual : residuals.down) residual = residual.mean({2, 3}, /*keepdim=*/true);
    residuals.mid = residuals.mid.mean({2, 3}, /*keepdim=*/true);
  }
  return residuals;
}

}  // namespace backdrop::models
