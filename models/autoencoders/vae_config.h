#pragma once
// The constructor arguments of diffusers' AutoencoderKL, read from its config.json (the `vae`
// folder of a diffusers checkpoint, or the `vae` entry of a file holding several configs).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace backdrop::models {

struct AutoencoderKLConfig {
  int64_t in_channels = 3;
  int64_t out_channels = 3;
  std::vector<std::string> down_block_types{"DownEncoderBlock2D"};
  std::vector<std::string> up_block_types{"UpDecoderBlock2D"};
  std::vector<int64_t> block_out_channels{64};
  int64_t layers_per_block = 1;
  std::string act_fn = "silu";
  int64_t latent_channels = 4;
  int64_t norm_num_groups = 32;
  int64_t sample_size = 32;
  double scaling_factor = 0.18215;
  std::optional<double> shift_factor;
  bool use_quant_conv = true;
  bool use_post_quant_conv = true;
  bool mid_block_add_attention = true;

  // Number of resolution levels; the latent is 2^(levels - 1) times smaller than the image.
  int64_t levels() const { return static_cast<int64_t>(block_out_channels.size()); }
  int64_t downscale_factor() const { return int64_t{1} << (levels() - 1); }

  // Reads diffusers' keys; absent keys keep diffusers' defaults. Throws std::runtime_error naming
  // `origin` and the key for a wrong type, an unsupported block type or inconsistent sizes.
  static AutoencoderKLConfig from_json(const nlohmann::json& json, const std::string& origin);
  static AutoencoderKLConfig from_file(const std::filesystem::path& path);
};

}  // namespace backdrop::models
