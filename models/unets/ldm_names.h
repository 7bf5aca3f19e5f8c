#pragma once
// Parameter names of the original (CompVis "ldm") single-file Stable Diffusion checkpoints, derived
// from the diffusers config: which input_blocks / output_blocks index a diffusers block lands in
// depends on the number of levels, the layers per block and where the attentions are.
//
//   conv_in                          -> input_blocks.0.0
//   time_embedding.linear_{1,2}      -> time_embed.{0,2}
//   down_blocks.L.resnets.j          -> input_blocks.k.0   (k counts resnets and downsamplers from 1)
//   down_blocks.L.attentions.j       -> input_blocks.k.1
//   down_blocks.L.downsamplers.0.conv -> input_blocks.k.0.op
//   mid_block.resnets.r / attentions.a -> middle_block.{2r} / middle_block.{2a+1}
//   up_blocks.i.resnets.j / attentions.j -> output_blocks.k.0 / output_blocks.k.1 (k counts resnets)
//   up_blocks.i.upsamplers.0.conv    -> output_blocks.k.{1|2}.conv (after the attention, if any)
//   conv_norm_out, conv_out          -> out.0, out.2
// Inside resnets: norm1, conv1 -> in_layers.{0,2}; time_emb_proj -> emb_layers.1;
// norm2, conv2 -> out_layers.{0,3}; conv_shortcut -> skip_connection. Attention sub-names are equal.

#include <map>
#include <string>

#include "models/unets/unet_config.h"

namespace backdrop::models {

// diffusers key -> ldm key for every parameter of a UNet2DConditionModel built from `config`,
// prefixed `model.diffusion_model.` as in the single-file checkpoints.
std::map<std::string, std::string> unet_ldm_key_map(const UNet2DConditionConfig& config,
                                                    const std::string& prefix = "model.diffusion_model.");

// The same for the encoder alone (conv_in, time embedding, down blocks, mid block), which
// ControlNet shares with the UNet.
std::map<std::string, std::string> unet_encoder_ldm_key_map(const UNetEncoderConfig& config, const std::string& prefix);

}  // namespace backdrop::models
