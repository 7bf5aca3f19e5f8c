#include "models/controlnets/controlnet_config.h"

#include <nlohmann/json.hpp>

#include "models/loaders/json_numbers.h"

namespace backdrop::models {

ControlNetConfig parse_controlnet_config(const nlohmann::json& json, const std::string& origin) {
  ControlNetConfig config;
  config.encoder = parse_unet_encoder_config(json, origin);
  try {
    for (const char* key : {"conditioning_channels", "conditioning_embedding_out_channels"}) {
      if (json.contains(key) && (!converts_exactly<std::vector<int64_t>>(json[key]) ||
                                   !converts_exactly<int64_t>(json[key]))) {
        throw ConfigError(origin + ": '" + key + "' must hold integers within range");
      }
    }
    config.conditioning_channels = json.value("conditioning_channels", int64_t{3});
    if (json.contains("conditioning_embedding_out_channels")) {
      config.conditioning_embedding_out_channels =
          json.at("conditioning_embedding_out_channels").get<std::vector<int64_t>>();
    }
    const auto order = json.value("controlnet_conditioning_channel_order", std::string("rgb"));
    if (order != "rgb" && order != "bgr") {
      throw ConfigError(origin + ": 'controlnet_conditioning_channel_order' must be \"rgb\" or \"bgr\", not \"" +
                        order + "\"");
    }
    config.bgr_conditioning = order == "bgr";
    config.global_pool_conditions = json.value("global_pool_conditions", false);
  } catch (const nlohmann::json::exception& error) {
    throw ConfigError(origin + ": malformed ControlNet field: " + error.what());
  }
  if (config.conditioning_embedding_out_channels.empty()) {
    throw ConfigError(origin + ": 'conditioning_embedding_out_channels' is empty");
  }
  return config;
}

ControlNetConfig load_controlnet_config(const std::filesystem::path& path) {
  return parse_controlnet_config(read_unet_config_json(path), path.string());
}

}  // namespace backdrop::models
