#include "models/unets/unet_config.h"

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "models/loaders/json_numbers.h"
namespace backdrop::models {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& origin, const std::string& field, const std::string& why) {
  throw ConfigError(origin + ": '" + field + "' " + why);
}

template <typename T>
T value_or(const json& config, const std::string& origin, const char* field, T fallback) {
  const auto it = config.find(field);
  if (it == config.end() || it->is_null()) return fallback;
  if (!converts_exactly<T>(*it)) fail(origin, field, "must hold integers within range");
  try {
    return it->get<T>();
  } catch (const json::exception& error) {
    fail(origin, field, std::string("has the wrong type: ") + error.what());
  }
}

template <typename T>
T required(const json& config, const std::string& origin, const char* field) {
  const auto it = config.find(field);
  if (it == config.end() || it->is_null()) fail(origin, field, "is missing");
  return value_or<T>(config, origin, field, T{});
}

// diffusers' "int or one per level" fields.
std::vector<int64_t> per_level(const json& config, const std::string& origin, const char* field, int64_t levels,
                               int64_t fallback) {
  const auto it = config.find(field);
  if (it == config.end() || it->is_null()) return std::vector<int64_t>(levels, fallback);
  if (it->is_number_integer()) return std::vector<int64_t>(levels, it->get<int64_t>());
  if (!it->is_array()) fail(origin, field, "must be an integer or a list of integers");
  std::vector<int64_t> values;
  for (const auto& item : *it) {
    if (!item.is_number_integer()) fail(origin, field, "must hold integers only");
    values.push_back(item.get<int64_t>());
  }
  if (static_cast<int64_t>(values.size()) != levels) {
    fail(origin, field, "has " + std::to_string(values.size()) + " entries for " + std::to_string(levels) + " levels");
  }
  return values;
}

// Options this implementation does not model must have their neutral value.
void require_default(const json& config, const std::string& origin, const char* field, const json& expected) {
  const auto it = config.find(field);
  if (it == config.end() || *it == expected) return;
  if (expected.is_null() || !it->is_null()) {
    fail(origin, field, "= " + it->dump() + " is not supported (only " + expected.dump() + ")");
  }
}

void check_block_types(const std::vector<std::string>& types, const std::string& origin, const char* field,
                       const std::vector<std::string>& allowed) {
  for (const auto& type : types) {
    if (std::find(allowed.begin(), allowed.end(), type) == allowed.end()) {
      fail(origin, field, "contains the unsupported block type '" + type + "'");
    }
  }
}

}  // namespace

UNetEncoderConfig parse_unet_encoder_config(const json& config, const std::string& origin) {
  for (const char* field : {"class_embed_type", "addition_embed_type", "encoder_hid_dim", "encoder_hid_dim_type",
                            "num_class_embeds", "time_cond_proj_dim", "time_embedding_dim", "time_embedding_act_fn",
                            "timestep_post_act", "projection_class_embeddings_input_dim"}) {
    require_default(config, origin, field, nullptr);
  }
  require_default(config, origin, "act_fn", "silu");
  require_default(config, origin, "resnet_time_scale_shift", "default");
  require_default(config, origin, "time_embedding_type", "positional");
  require_default(config, origin, "attention_type", "default");
  require_default(config, origin, "dual_cross_attention", false);
  require_default(config, origin, "center_input_sample", false);

  UNetEncoderConfig encoder;
  encoder.in_channels = required<int64_t>(config, origin, "in_channels");
  encoder.block_out_channels = required<std::vector<int64_t>>(config, origin, "block_out_channels");
  encoder.down_block_types = required<std::vector<std::string>>(config, origin, "down_block_types");
  const auto levels = static_cast<int64_t>(encoder.block_out_channels.size());
  if (levels == 0 || static_cast<int64_t>(encoder.down_block_types.size()) != levels) {
    fail(origin, "down_block_types", "must have one entry per block_out_channels entry");
  }
  check_block_types(encoder.down_block_types, origin, "down_block_types", {"CrossAttnDownBlock2D", "DownBlock2D"});
  encoder.mid_block_type = value_or<std::string>(config, origin, "mid_block_type", "UNetMidBlock2DCrossAttn");
  if (encoder.mid_block_type != "UNetMidBlock2DCrossAttn") {
    fail(origin, "mid_block_type", "'" + encoder.mid_block_type + "' is not supported");
  }
  encoder.layers_per_block = per_level(config, origin, "layers_per_block", levels, 2);

  const bool has_heads = config.contains("num_attention_heads") && !config["num_attention_heads"].is_null();
  encoder.attention_heads =
      per_level(config, origin, has_heads ? "num_attention_heads" : "attention_head_dim", levels, 8);
  encoder.cross_attention_dim = per_level(config, origin, "cross_attention_dim", levels, 1280);
  encoder.transformer_layers_per_block = per_level(config, origin, "transformer_layers_per_block", levels, 1);
  encoder.norm_num_groups = value_or<int64_t>(config, origin, "norm_num_groups", 32);
  encoder.norm_eps = value_or<double>(config, origin, "norm_eps", 1e-5);
  encoder.use_linear_projection = value_or<bool>(config, origin, "use_linear_projection", false);
  encoder.upcast_attention = value_or<bool>(config, origin, "upcast_attention", false);
  if (config.contains("only_cross_attention") && config["only_cross_attention"].is_array()) {
    fail(origin, "only_cross_attention", "per level is not supported");
  }
  encoder.only_cross_attention = value_or<bool>(config, origin, "only_cross_attention", false);
  encoder.flip_sin_to_cos = value_or<bool>(config, origin, "flip_sin_to_cos", true);
  encoder.freq_shift = value_or<double>(config, origin, "freq_shift", 0.0);
  encoder.downsample_padding = value_or<int64_t>(config, origin, "downsample_padding", 1);
  encoder.mid_block_scale_factor = value_or<double>(config, origin, "mid_block_scale_factor", 1.0);
  encoder.conv_in_kernel = value_or<int64_t>(config, origin, "conv_in_kernel", 3);

  for (int64_t level = 0; level < levels; ++level) {
    const int64_t channels = encoder.block_out_channels[level];
    const int64_t heads = encoder.attention_heads[level];
    if (channels <= 0 || channels % encoder.norm_num_groups != 0) {
      fail(origin, "block_out_channels", std::to_string(channels) + " is not a positive multiple of norm_num_groups");
    }
    if (heads <= 0 || channels % heads != 0) {
      fail(origin, "attention_head_dim",
           std::to_string(heads) + " heads do not divide " + std::to_string(channels) + " channels at level " +
               std::to_string(level));
    }
  }
  return encoder;
}

std::vector<int64_t> UNetEncoderConfig::skip_connection_channels() const {
  std::vector<int64_t> channels{block_out_channels.front()};
  for (int64_t level = 0; level < levels(); ++level) {
    const int64_t skips = layers_per_block.at(level) + (level + 1 < levels() ? 1 : 0);
    channels.insert(channels.end(), static_cast<std::size_t>(skips), block_out_channels.at(level));
  }
  return channels;
}

int64_t UNet2DConditionConfig::up_layers(int64_t index) const {
  const auto& per_level_layers = encoder.layers_per_block;
  return per_level_layers.at(per_level_layers.size() - 1 - static_cast<std::size_t>(index)) + 1;
}

UNet2DConditionConfig parse_unet_config(const json& config, const std::string& origin) {
  UNet2DConditionConfig unet;
  unet.encoder = parse_unet_encoder_config(config, origin);
  require_default(config, origin, "resnet_skip_time_act", false);
  require_default(config, origin, "resnet_out_scale_factor", 1.0);
  require_default(config, origin, "class_embeddings_concat", false);
  require_default(config, origin, "mid_block_only_cross_attention", nullptr);
  require_default(config, origin, "reverse_transformer_layers_per_block", nullptr);
  unet.up_block_types = required<std::vector<std::string>>(config, origin, "up_block_types");
  if (static_cast<int64_t>(unet.up_block_types.size()) != unet.encoder.levels()) {
    fail(origin, "up_block_types", "must have one entry per level");
  }
  check_block_types(unet.up_block_types, origin, "up_block_types", {"CrossAttnUpBlock2D", "UpBlock2D"});
  unet.out_channels = value_or<int64_t>(config, origin, "out_channels", 4);
  unet.conv_out_kernel = value_or<int64_t>(config, origin, "conv_out_kernel", 3);
  if (unet.encoder.conv_in_kernel % 2 == 0 || unet.conv_out_kernel % 2 == 0) {
    fail(origin, "conv_in_kernel", "and conv_out_kernel must be odd");
  }
  return unet;
}

nlohmann::json read_unet_config_json(const std::filesystem::path& path) {
  std::ifstream stream(path);
  if (!stream) throw ConfigError(path.string() + ": cannot open the config file");
  try {
    return json::parse(stream);
  } catch (const json::exception& error) {
    throw ConfigError(path.string() + ": not valid JSON: " + error.what());
  }
}

UNet2DConditionConfig load_unet_config(const std::filesystem::path& path) {
  return parse_unet_config(read_unet_config_json(path), path.string());
}

}  // namespace backdrop::models
