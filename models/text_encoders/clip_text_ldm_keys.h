#pragma once
// Names of the CLIP text encoder's weights in the original single-file Stable Diffusion checkpoint.
// SD 1.x stores the transformers CLIPTextModel as it is under `cond_stage_model.transformer.`, so
// the mapping is that prefix on every name; the names themselves follow from the config (one block
// of weights per layer). The checkpoint's `...embeddings.position_ids` buffer is not a weight.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "models/text_encoders/clip_text_config.h"

namespace backdrop::models {

inline constexpr std::string_view kClipTextLdmPrefix = "cond_stage_model.transformer.";

// Every parameter name of CLIPTextModel for `config` (transformers / diffusers names).
std::vector<std::string> clip_text_model_keys(const ClipTextConfig& config);

// diffusers name -> original checkpoint name, for every parameter.
std::map<std::string, std::string> clip_text_diffusers_to_ldm_keys(const ClipTextConfig& config);

}  // namespace backdrop::models
