#pragma once
// Parameter names of the original ControlNet checkpoints (lllyasviel's ControlNet, prefix
// `control_model.`), derived from the config: the UNet encoder names (see unets/ldm_names.h) plus
//   controlnet_cond_embedding.conv_in   -> input_hint_block.0
//   controlnet_cond_embedding.blocks.b  -> input_hint_block.{2b + 2}   (SiLU layers sit between)
//   controlnet_cond_embedding.conv_out  -> input_hint_block.{2 * blocks + 2}
//   controlnet_down_blocks.k            -> zero_convs.k.0
//   controlnet_mid_block                -> middle_block_out.0

#include <map>
#include <string>

#include "models/controlnets/controlnet_config.h"

namespace backdrop::models {

// diffusers key -> original key for every parameter of a ControlNetModel built from `config`.
std::map<std::string, std::string> controlnet_ldm_key_map(const ControlNetConfig& config,
                                                          const std::string& prefix = "control_model.");

}  // namespace backdrop::models
