#pragma once
// LoRAs for a loaded Stable Diffusion pipeline: `--lora FILE[:multiplier]` fused into the UNet and
// the text encoder once, at load time. The original weights are not kept (that would double the
// UNet's memory); another set of LoRAs means loading the model again.

#include <map>
#include <string>
#include <vector>

#include "models/loaders/lora.h"
#include "models/pipelines/stable_diffusion_components.h"
#include "models/unets/unet_config.h"

namespace backdrop::models {

// The original single-file (ldm) module paths of a UNet's weights, as LoRA aliases
// ("input_blocks.1.1.proj_in" -> "down_blocks.0.attentions.0.proj_in"): A1111-era kohya files
// name the UNet's modules that way.
std::map<std::string, std::string> unet_lora_aliases(const UNet2DConditionConfig& config);

// The LoRA targets of a pipeline: its UNet (with the ldm aliases) and its text encoder.
std::vector<LoraTarget> stable_diffusion_lora_targets(StableDiffusionComponents& components);

// Fuses every LoRA at its multiplier, in order; returns a line per LoRA for the description.
// Throws LoraError (unmatched keys, wrong shapes) or SafetensorsError naming the file.
std::string fuse_loras(StableDiffusionComponents& components, const std::vector<LoraSpec>& loras);

}  // namespace backdrop::models
