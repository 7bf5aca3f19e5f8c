#pragma once
// Renaming a component's tensors from the original single-file names (CompVis "ldm":
// `model.diffusion_model.*`, `first_stage_model.*`, `cond_stage_model.transformer.*`,
// `control_model.*`) to the diffusers / transformers names the modules use.
//
// The mapping itself is computed from each model's config by the model folders (unets/,
// autoencoders/, text_encoders/, controlnets/); this file only applies one, so that the loaders
// depend on no model.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "models/loaders/torch_tensors.h"

namespace backdrop::models {

struct KeyMapping {
  // Turns the tensor found under the original name into the diffusers tensor (a reshape, never a
  // copy of the data where a view will do).
  using Transform = std::function<torch::Tensor(const std::string& diffusers_key, const torch::Tensor& ldm_tensor)>;

  // diffusers key -> original key, prefix included (`first_stage_model.encoder.conv_in.weight`).
  std::map<std::string, std::string> diffusers_to_ldm;
  // Optional; applied to every renamed tensor when set.
  Transform transform;
};

// The VAE attention projections: 1x1 convolution weights [C, C, 1, 1] in the original files,
// linear weights [C, C] in diffusers. Keys for which `applies_to` is false pass unchanged, as do
// tensors that are already [C, C] (some converted checkpoints store them that way).
KeyMapping::Transform conv1x1_to_linear(std::function<bool(const std::string& diffusers_key)> applies_to);

struct RenameOptions {
  // Converts every tensor to this dtype (fp16 files into fp32 modules); by default the file's dtype
  // is kept and tensors stay views of the file.
  std::optional<c10::ScalarType> convert_to;
};

// The tensors of `ldm_tensors` (original names) under their diffusers names. Keys that are not
// weights (non_weight_keys.h) are skipped; every other key the mapping does not know, and every
// mapping target absent from `ldm_tensors`, is listed in one CheckpointError naming `origin`.
StateDict rename_to_diffusers(const StateDict& ldm_tensors, const KeyMapping& mapping, const std::string& origin,
                              const RenameOptions& options = {});

// "3 keys: a, b, c" lists for error messages: at most `max_listed` names, the count always complete.
std::string format_key_list(const std::string& title, const std::vector<std::string>& keys,
                            std::size_t max_listed = 20);

}  // namespace backdrop::models
