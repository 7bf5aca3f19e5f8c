#include "models/autoencoders/vae_config.h"

#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "models/loaders/json_numbers.h"
namespace backdrop::models {
namespace {

class ConfigReader {
 public:
  ConfigReader(const nlohmann::json& json, std::string origin) : json_(json), origin_(std::move(origin)) {}

  template <typename T>
  void read(const char* key, T& target) const {
    const auto found = json_.find(key);
    if (found == json_.end() || found->is_null()) return;
    if (!converts_exactly<T>(*found)) fail(std::string("key '") + key + "' must hold integers within range");
    try {
      target = found->get<T>();
    } catch (const nlohmann::json::exception& error) {
      fail(std::string("key '") + key + "' has the wrong type: " + error.what());
    }
  }

  [[noreturn]] void fail(const std::string& message) const {
    throw std::runtime_error(origin_ + ": AutoencoderKL config: " + message);
  }

 private:
  const nlohmann::json& json_;
  std::string origin_;
};

void validate(const AutoencoderKLConfig& config, const ConfigReader& reader) {
  if (config.block_out_channels.empty()) reader.fail("block_out_channels is empty");
  const auto levels = config.block_out_channels.size();
  if (config.down_block_types.size() != levels || config.up_block_types.size() != levels) {
    reader.fail("down_block_types, up_block_types and block_out_channels must have the same length");
  }
  for (const auto& type : config.down_block_types) {
    if (type != "DownEncoderBlock2D") reader.fail("unsupported down block type '" + type + "'");
  }
  for (const auto& type : config.up_block_types) {
    if (type != "UpDecoderBlock2D") reader.fail("unsupported up block type '" + type + "'");
  }
  if (config.act_fn != "silu" && config.act_fn != "swish") {
    reader.fail("unsupported act_fn '" + config.act_fn + "' (only silu)");
  }
  if (config.norm_num_groups <= 0) reader.fail("norm_num_groups must be positive");
  for (const auto channels : config.block_out_channels) {
    if (channels <= 0 || channels % config.norm_num_groups != 0) {
      reader.fail("block_out_channels " + std::to_string(channels) + " is not a positive multiple of norm_num_groups " +
                  std::to_string(config.norm_num_groups));
    }
  }
  if (config.layers_per_block <= 0 || config.latent_channels <= 0 || config.in_channels <= 0 ||
      config.out_channels <= 0) {
    reader.fail("layers_per_block, latent_channels, in_channels and out_channels must be positive");
  }
}

}  // namespace

AutoencoderKLConfig AutoencoderKLConfig::from_json(const nlohmann::json& json, const std::string& origin) {
  const ConfigReader reader(json, origin);
  if (!json.is_object()) reader.fail("not a JSON object");
  AutoencoderKLConfig config;
  reader.read("in_channels", config.in_channels);
  reader.read("out_channels", config.out_channels);
  reader.read("down_block_types", config.down_block_types);
  reader.read("up_block_types", config.up_block_types);
  reader.read("block_out_channels", config.block_out_channels);
  reader.read("layers_per_block", config.layers_per_block);
  reader.read("act_fn", config.act_fn);
  reader.read("latent_channels", config.latent_channels);
  reader.read("norm_num_groups", config.norm_num_groups);
  // Some configs give sample_size as [height, width]; tiling only needs one edge.
  if (json.contains("sample_size") && json["sample_size"].is_array() && !json["sample_size"].empty()) {
    const auto& edge = json["sample_size"][0];
    if (!edge.is_number_integer()) reader.fail("sample_size must hold integers");
    config.sample_size = edge.get<int64_t>();
  } else {
    reader.read("sample_size", config.sample_size);
  }
  reader.read("scaling_factor", config.scaling_factor);
  double shift = 0.0;
  if (json.contains("shift_factor") && !json["shift_factor"].is_null()) {
    reader.read("shift_factor", shift);
    config.shift_factor = shift;
  }
  reader.read("use_quant_conv", config.use_quant_conv);
  reader.read("use_post_quant_conv", config.use_post_quant_conv);
  reader.read("mid_block_add_attention", config.mid_block_add_attention);
  validate(config, reader);
  return config;
}

AutoencoderKLConfig AutoencoderKLConfig::from_file(const std::filesystem::path& path) {
  std::ifstream stream(path);
  if (!stream) throw std::runtime_error(path.string() + ": cannot open the AutoencoderKL config");
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(stream);
  } catch (const nlohmann::json::exception& error) {
    throw std::runtime_error(path.string() + ": invalid JSON: " + error.what());
  }
  return from_json(json, path.string());
}

}  // namespace backdrop::models
