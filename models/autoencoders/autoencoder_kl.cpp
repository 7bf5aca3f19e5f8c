#include "models/autoencoders/autoencoder_kl.h"

#include <stdexcept>
#include <string>

#include <torch/torch.h>

#include "models/autoencoders/vae_tiling.h"

namespace backdrop::models {
namespace {

torch::nn::Conv2d conv1x1(int64_t channels) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 1));
}

void check_image(const torch::Tensor& tensor, int64_t channels, const char* what) {
  if (tensor.dim() != 4 || tensor.size(1) != channels) {
    throw std::invalid_argument(std::string("AutoencoderKL: ") + what + " must be [B, " + std::to_string(channels) +
                                ", H, W], got " + std::to_string(tensor.dim()) + " dimensions" +
                                (tensor.dim() >= 2 ? " with " + std::to_string(tensor.size(1)) + " channels" : ""));
  }
}

// Tile sizes in latent units, from which both grids follow. The stride in latent pixels is
// diffusers' int(tile * (1 - overlap)); each tile keeps exactly stride * f output pixels, so the
// output always has the untiled size (diffusers' own formulas agree with this for its defaults).
struct LatentTiles {
  int64_t tile = 0;
  int64_t stride = 0;
};

LatentTiles latent_tiles(const AutoencoderKLConfig& config, const VaeTilingOptions& tiling) {
  const int64_t factor = config.downscale_factor();
  const int64_t sample_tile = tiling.tile_sample_size > 0 ? tiling.tile_sample_size : config.sample_size;
  if (sample_tile % factor != 0 || sample_tile < factor) {
    throw std::invalid_argument("AutoencoderKL tiling: tile size " + std::to_string(sample_tile) +
                                " is not a positive multiple of " + std::to_string(factor));
  }
  if (!(tiling.overlap_factor >= 0.0 && tiling.overlap_factor < 1.0)) {
    throw std::invalid_argument("AutoencoderKL tiling: overlap factor must be in [0, 1)");
  }
  LatentTiles tiles;
  tiles.tile = sample_tile / factor;
  tiles.stride = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(tiles.tile) * (1.0 - tiling.overlap_factor)));
  return tiles;
}

}  // namespace

AutoencoderKLImpl::AutoencoderKLImpl(const AutoencoderKLConfig& config) : config_(config) {
  encoder_ = register_module("encoder", Encoder(config));
  decoder_ = register_module("decoder", Decoder(config));
  if (config.use_quant_conv) quant_conv_ = register_module("quant_conv", conv1x1(2 * config.latent_channels));
  if (config.use_post_quant_conv) post_quant_conv_ = register_module("post_quant_conv", conv1x1(config.latent_channels));
}

torch::Tensor AutoencoderKLImpl::encode_moments(const torch::Tensor& image) {
  torch::Tensor moments = encoder_(image);
  return quant_conv_ ? quant_conv_(moments) : moments;
}

torch::Tensor AutoencoderKLImpl::decode_latent(const torch::Tensor& latent) {
  return decoder_(post_quant_conv_ ? post_quant_conv_(latent) : latent);
}

DiagonalGaussianDistribution AutoencoderKLImpl::encode(const torch::Tensor& image) {
  check_image(image, config_.in_channels, "the image");
  c10::InferenceMode inference;
  return DiagonalGaussianDistribution::from_moments(encode_moments(image));
}

torch::Tensor AutoencoderKLImpl::decode(const torch::Tensor& latent) {
  check_image(latent, config_.latent_channels, "the latent");
  c10::InferenceMode inference;
  return decode_latent(latent);
}

DiagonalGaussianDistribution AutoencoderKLImpl::tiled_encode(const torch::Tensor& image, const VaeTilingOptions& tiling) {
  check_image(image, config_.in_channels, "the image");
  c10::InferenceMode inference;
  const auto tiles = latent_tiles(config_, tiling);
  const int64_t factor = config_.downscale_factor();
  TileGrid grid;
  grid.input_tile = tiles.tile * factor;
  grid.input_stride = tiles.stride * factor;
  grid.output_keep = tiles.stride;
  grid.blend_extent = tiles.tile - tiles.stride;
  // The moments (mean and unclamped logvar) are blended, then the posterior is formed: diffusers' order.
  const torch::Tensor moments =
      process_in_tiles(image, grid, [this](const torch::Tensor& tile) { return encode_moments(tile); });
  return DiagonalGaussianDistribution::from_moments(moments);
}

torch::Tensor AutoencoderKLImpl::tiled_decode(const torch::Tensor& latent, const VaeTilingOptions& tiling) {
  check_image(latent, config_.latent_channels, "the latent");
  c10::InferenceMode inference;
  const auto tiles = latent_tiles(config_, tiling);
  const int64_t factor = config_.downscale_factor();
  TileGrid grid;
  grid.input_tile = tiles.tile;
  grid.input_stride = tiles.stride;
  grid.output_keep = tiles.stride * factor;
  grid.blend_extent = (tiles.tile - tiles.stride) * factor;
  return process_in_tiles(latent, grid, [this](const torch::Tensor& tile) { return decode_latent(tile); });
}

}  // namespace backdrop::models
