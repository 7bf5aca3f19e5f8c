#pragma once
// diffusers' AutoencoderKL: image <-> latent for Stable Diffusion. Parameter names are diffusers'
// (encoder.*, decoder.*, quant_conv.*, post_quant_conv.*), so a diffusers `vae/` state dict loads
// with load_state_dict; vae_ldm_keys.h maps them to the original single-file names.

#include <cstdint>

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include "models/autoencoders/vae.h"
#include "models/autoencoders/vae_config.h"

namespace backdrop::models {

// Tiles of `tile_sample_size` image pixels (0: the config's sample_size, 512 for SD 1.5) that
// overlap by `overlap_factor` of their edge. The defaults reproduce diffusers' enable_tiling().
struct VaeTilingOptions {
  int64_t tile_sample_size = 0;
  double overlap_factor = 0.25;
};

class AutoencoderKLImpl : public torch::nn::Module {
 public:
  explicit AutoencoderKLImpl(const AutoencoderKLConfig& config);

  // Image [B, in_channels, H, W] in [-1, 1] -> posterior over latents [B, latent_channels, H/f, W/f].
  DiagonalGaussianDistribution encode(const torch::Tensor& image);
  // Raw latent (already divided by the scaling factor) -> image [B, out_channels, h*f, w*f], not clamped.
  torch::Tensor decode(const torch::Tensor& latent);

  // The same in overlapping tiles, so memory depends on the tile size, not the image size. The
  // result differs from the untiled one near tile seams (the blend is an approximation).
  DiagonalGaussianDistribution tiled_encode(const torch::Tensor& image, const VaeTilingOptions& tiling = {});
  torch::Tensor tiled_decode(const torch::Tensor& latent, const VaeTilingOptions& tiling = {});

  double scaling_factor() const { return config_.scaling_factor; }
  const AutoencoderKLConfig& config() const { return config_; }

 private:
  torch::Tensor encode_moments(const torch::Tensor& image);
  torch::Tensor decode_latent(const torch::Tensor& latent);

  AutoencoderKLConfig config_;
  Encoder encoder_{nullptr};
  Decoder decoder_{nullptr};
  torch::nn::Conv2d quant_conv_{nullptr};
  torch::nn::Conv2d post_quant_conv_{nullptr};
};
TORCH_MODULE(AutoencoderKL);

}  // namespace backdrop::models
