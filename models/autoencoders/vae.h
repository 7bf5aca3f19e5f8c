#pragma once
// diffusers' models/autoencoders/vae.py: the VAE Encoder and Decoder, and the diagonal Gaussian
// posterior the encoder's moments describe.

#include <cstdint>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "models/autoencoders/vae_blocks.h"
#include "models/autoencoders/vae_config.h"

namespace backdrop::models {

// Image [B, in_channels, H, W] -> moments [B, 2 * latent_channels, H / f, W / f] (mean, logvar).
// Names: conv_in, down_blocks.{i}, mid_block, conv_norm_out, conv_out.
class EncoderImpl : public torch::nn::Module {
 public:
  explicit EncoderImpl(const AutoencoderKLConfig& config);
  torch::Tensor forward(const torch::Tensor& image);

 private:
  torch::nn::Conv2d conv_in_{nullptr};
  std::vector<DownEncoderBlock2D> down_blocks_;
  UNetMidBlock2D mid_block_{nullptr};
  torch::nn::GroupNorm conv_norm_out_{nullptr};
  torch::nn::Conv2d conv_out_{nullptr};
};
TORCH_MODULE(Encoder);

// Latent [B, latent_channels, h, w] -> image [B, out_channels, h * f, w * f]. Names: conv_in,
// mid_block, up_blocks.{i} (from the widest level to the narrowest), conv_norm_out, conv_out.
class DecoderImpl : public torch::nn::Module {
 public:
  explicit DecoderImpl(const AutoencoderKLConfig& config);
  torch::Tensor forward(const torch::Tensor& latent);

 private:
  torch::nn::Conv2d conv_in_{nullptr};
  UNetMidBlock2D mid_block_{nullptr};
  std::vector<UpDecoderBlock2D> up_blocks_;
  torch::nn::GroupNorm conv_norm_out_{nullptr};
  torch::nn::Conv2d conv_out_{nullptr};
};
TORCH_MODULE(Decoder);

// diffusers' DiagonalGaussianDistribution: moments split in halves along the channels.
struct DiagonalGaussianDistribution {
  torch::Tensor mean;
  torch::Tensor logvar;  // clamped to [-30, 20]
  torch::Tensor std;     // exp(logvar / 2)

  static DiagonalGaussianDistribution from_moments(const torch::Tensor& moments);
  // mean + std * noise; `noise` has the shape of the mean (a standard normal draw).
  torch::Tensor sample(const torch::Tensor& noise) const;
  torch::Tensor mode() const { return mean; }
};

}  // namespace backdrop::models
