#pragma once
// The original single-file checkpoints (`*.safetensors`) that Stable Diffusion 1.x users have:
//  - a full SD 1.x model: `model.diffusion_model.*` (UNet), `first_stage_model.*` (VAE),
//    `cond_stage_model.transformer.*` (CLIP text encoder); an inpainting model when the UNet's
//    conv_in takes 9 channels;
//  - a standalone ControlNet: `control_model.*`, or the same names without the prefix (the files
//    the ControlNet authors published after pruning), or diffusers names in one file.
// The file is read once (memory-mapped); each component is cut out by its prefix and renamed with
// the KeyMapping its model folder computes from the config.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/loaders/key_mapping.h"
#include "models/loaders/safetensors.h"
#include "models/loaders/torch_tensors.h"

namespace backdrop::models {

enum class ModelComponent { unet, vae, text_encoder, controlnet };

// "unet", "vae", "text_encoder", "controlnet": the diffusers folder names.
std::string_view component_name(ModelComponent component);
// The prefix of the component's keys in the original checkpoints ("model.diffusion_model." ...).
std::string_view ldm_prefix(ModelComponent component);

enum class CheckpointKind { stable_diffusion, stable_diffusion_inpainting, controlnet };
std::string_view checkpoint_kind_name(CheckpointKind kind);

// How a ControlNet file names its keys.
enum class ControlNetNaming { ldm_prefixed, ldm_unprefixed, diffusers };

// What a single-file checkpoint holds, for the GUI and CLI to show.
struct CheckpointInfo {
  std::filesystem::path path;
  CheckpointKind kind = CheckpointKind::stable_diffusion;
  int64_t unet_in_channels = 0;  // the UNet's conv_in input channels (4, or 9 to inpaint); 0 without a UNet
  std::optional<ControlNetNaming> controlnet_naming;
  std::map<ModelComponent, std::size_t> tensor_counts;  // the components present, with their tensor counts
  std::size_t non_weight_keys = 0;                      // skipped (non_weight_keys.h)
  std::vector<std::string> unrecognised_keys;           // in no component and not a known non-weight key
  std::string describe() const;
};

class SingleFileCheckpoint {
 public:
  // Reads the header and recognises the kind; throws CheckpointError (unsupported or unrecognised
  // content, pickle files) or SafetensorsError (a corrupt file).
  static SingleFileCheckpoint open(const std::filesystem::path& path);

  const CheckpointInfo& info() const { return info_; }
  bool has(ModelComponent component) const { return info_.tensor_counts.count(component) != 0; }

  // The component's tensors under their original names, prefix included (a ControlNet stored without
  // its prefix gets `control_model.` so that one KeyMapping serves both namings). Views of the file
  // unless `convert_to` is given.
  StateDict ldm_tensors(ModelComponent component, std::optional<c10::ScalarType> convert_to = std::nullopt) const;

  // The component's tensors under diffusers names, ready for load_state_dict. A ControlNet that
  // already uses diffusers names is returned as it is (the mapping is not needed).
  StateDict load(ModelComponent component, const KeyMapping& mapping, const RenameOptions& options = {}) const;

 private:
  SingleFileCheckpoint() = default;
  // The component a key of this file belongs to, if any.
  std::optional<ModelComponent> component_of(const std::string& key) const;

  std::shared_ptr<const SafetensorsFile> file_;
  CheckpointInfo info_;
};

}  // namespace backdrop::models
