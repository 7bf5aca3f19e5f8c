#pragma once
// Configuration of diffusers' UNet2DConditionModel and of the UNet encoder that ControlNetModel
// copies, read from a diffusers `config.json`. Per-level values given as one number are expanded to
// one per level here, so the modules never see the int-or-list distinction.

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace backdrop::models {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What the UNet and ControlNet share: conv_in, the time embedding, the down blocks and the mid block.
struct UNetEncoderConfig {
  int64_t in_channels = 4;
  std::vector<int64_t> block_out_channels{320, 640, 1280, 1280};
  std::vector<std::string> down_block_types{"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D",
                                            "DownBlock2D"};
  std::string mid_block_type = "UNetMidBlock2DCrossAttn";
  std::vector<int64_t> layers_per_block{2, 2, 2, 2};
  // Heads per level. diffusers reads `num_attention_heads`, or else `attention_head_dim`, which in
  // SD 1.5-style configs is the number of heads despite its name.
  std::vector<int64_t> attention_heads{8, 8, 8, 8};
  std::vector<int64_t> cross_attention_dim{768, 768, 768, 768};
  std::vector<int64_t> transformer_layers_per_block{1, 1, 1, 1};
  int64_t norm_num_groups = 32;
  double norm_eps = 1e-5;
  bool use_linear_projection = false;
  bool upcast_attention = false;
  bool only_cross_attention = false;
  bool flip_sin_to_cos = true;
  double freq_shift = 0.0;
  int64_t downsample_padding = 1;
  double mid_block_scale_factor = 1.0;
  int64_t conv_in_kernel = 3;

  int64_t levels() const { return static_cast<int64_t>(block_out_channels.size()); }
  int64_t time_embed_dim() const { return 4 * block_out_channels.front(); }
  bool has_cross_attention(int64_t level) const { return down_block_types.at(level) == "CrossAttnDownBlock2D"; }
  // Channels of each skip connection the encoder produces, in order: conv_in's, then per level one
  // per resnet and one for the downsampler (all levels but the last).
  std::vector<int64_t> skip_connection_channels() const;
  int64_t skip_connection_count() const { return static_cast<int64_t>(skip_connection_channels().size()); }
};

struct UNet2DConditionConfig {
  UNetEncoderConfig encoder;
  std::vector<std::string> up_block_types{"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D",
                                          "CrossAttnUpBlock2D"};
  int64_t out_channels = 4;
  int64_t conv_out_kernel = 3;

  bool up_has_cross_attention(int64_t index) const { return up_block_types.at(index) == "CrossAttnUpBlock2D"; }
  // Up block `index` has one more resnet than its mirror down block (it also takes that level's
  // downsampler output or conv_in output).
  int64_t up_layers(int64_t index) const;
};

// Reads the fields the encoder needs from a UNet or ControlNet config; throws ConfigError naming
// `origin` and the field for anything missing, malformed or not supported (class embeddings,
// addition embeddings, scale-shift time embedding ...).
UNetEncoderConfig parse_unet_encoder_config(const nlohmann::json& json, const std::string& origin);
UNet2DConditionConfig parse_unet_config(const nlohmann::json& json, const std::string& origin);
UNet2DConditionConfig load_unet_config(const std::filesystem::path& path);

// Reads a UNet or ControlNet config.json; throws ConfigError naming the file on I/O or syntax errors.
nlohmann::json read_unet_config_json(const std::filesystem::path& path);

}  // namespace backdrop::models
