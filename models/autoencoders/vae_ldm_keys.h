#pragma once
// Names of the VAE weights in the original single-file Stable Diffusion checkpoints
// (`first_stage_model.*`, the CompVis/ldm layout), computed from the config.
//
//   diffusers                                   original
//   encoder.down_blocks.{i}.resnets.{j}         encoder.down.{i}.block.{j}
//   encoder.down_blocks.{i}.downsamplers.0.conv encoder.down.{i}.downsample.conv
//   {en,de}coder.mid_block.resnets.{0,1}        {en,de}coder.mid.block_{1,2}
//   {en,de}coder.mid_block.attentions.0         {en,de}coder.mid.attn_1 (group_norm -> norm,
//                                               to_q/k/v -> q/k/v, to_out.0 -> proj_out)
//   decoder.up_blocks.{i}                       decoder.up.{levels - 1 - i} (numbered the other way)
//   decoder.up_blocks.{i}.upsamplers.0.conv     decoder.up.{levels - 1 - i}.upsample.conv
//   ...resnets.{j}.conv_shortcut                ...block.{j}.nin_shortcut
//   {en,de}coder.conv_norm_out                  {en,de}coder.norm_out
//
// The attention q/k/v/proj_out weights are linear [C, C] in diffusers and 1x1 convolutions
// [C, C, 1, 1] in the original files.

#include <map>
#include <string>

#include "models/autoencoders/vae_config.h"

namespace backdrop::models {

inline constexpr const char* kVaeLdmPrefix = "first_stage_model.";

// Every diffusers parameter name of an AutoencoderKL with this config -> its original name,
// including the `first_stage_model.` prefix.
std::map<std::string, std::string> vae_diffusers_to_ldm_keys(const AutoencoderKLConfig& config);

// True for the diffusers keys whose tensor is [C, C] in diffusers and [C, C, 1, 1] in the
// original layout (the mid-block attention projection weights; their biases are unchanged).
bool vae_ldm_key_needs_conv_reshape(const std::string& diffusers_key);

}  // namespace backdrop::models
