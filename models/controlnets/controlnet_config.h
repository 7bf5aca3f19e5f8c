#pragma once
// Configuration of diffusers' ControlNetModel from its `config.json`: the UNet encoder it copies
// plus the conditioning-image embedding.

#include <cstdint>
#include <filesystem>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "models/unets/unet_config.h"

namespace backdrop::models {

struct ControlNetConfig {
  UNetEncoderConfig encoder;
  int64_t conditioning_channels = 3;
  std::vector<int64_t> conditioning_embedding_out_channels{16, 32, 96, 256};
  // "bgr" checkpoints want the channels of the conditioning image reversed.
  bool bgr_conditioning = false;
  bool global_pool_conditions = false;
};

// Throws ConfigError naming `origin` and the field.
ControlNetConfig parse_controlnet_config(const nlohmann::json& json, const std::string& origin);
ControlNetConfig load_controlnet_config(const std::filesystem::path& path);

}  // namespace backdrop::models
