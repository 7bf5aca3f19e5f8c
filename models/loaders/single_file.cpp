#include "models/loaders/single_file.h"

#include <array>
#include <fstream>
#include <sstream>

#include "models/loaders/checkpoint_error.h"
#include "models/loaders/non_weight_keys.h"

namespace backdrop::models {
namespace {

constexpr std::array<ModelComponent, 4> kComponents{ModelComponent::unet, ModelComponent::vae,
                                                    ModelComponent::text_encoder, ModelComponent::controlnet};

// Keys that identify what a file is.
constexpr std::string_view kUNetConvIn = "model.diffusion_model.input_blocks.0.0.weight";
constexpr std::string_view kControlHintPrefixed = "control_model.input_hint_block.0.weight";
constexpr std::string_view kControlHintUnprefixed = "input_hint_block.0.weight";
constexpr std::string_view kControlDiffusers = "controlnet_cond_embedding.conv_in.weight";
constexpr int64_t kInpaintingInChannels = 9;  // 4 latent + 1 mask + 4 masked-image latent channels

// The checkpoint families this engine does not run, recognised by a key prefix of theirs.
struct UnsupportedFamily {
  std::string_view key_prefix;
  std::string_view name;
};
constexpr std::array<UnsupportedFamily, 2> kUnsupportedFamilies{{
    {"cond_stage_model.model.", "Stable Diffusion 2.x (OpenCLIP text encoder)"},
    {"conditioner.embedders.", "Stable Diffusion XL"},
}};

bool is_pickle_extension(const std::filesystem::path& path) {
  const auto extension = path.extension().string();
  return extension == ".ckpt" || extension == ".pt" || extension == ".pth" || extension == ".bin";
}

// PyTorch's zip container ("PK\3\4") or a bare pickle (protocol marker 0x80).
bool starts_like_pickle(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, 4> magic{};
  if (!in.read(magic.data(), magic.size())) return false;
  return (magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) ||
         static_cast<unsigned char>(magic[0]) == 0x80;
}

[[noreturn]] void reject_pickle(const std::filesystem::path& path) {
  throw CheckpointError(path.string() +
                        ": pickle checkpoints (.ckpt, .pt, .pth, .bin) are not supported, because loading them "
                        "runs code from the file: convert it to safetensors");
}

std::optional<ControlNetNaming> controlnet_naming(const SafetensorsFile& file) {
  if (file.contains(std::string(kControlHintPrefixed))) return ControlNetNaming::ldm_prefixed;
  if (file.contains(std::string(kControlHintUnprefixed))) return ControlNetNaming::ldm_unprefixed;
  if (file.contains(std::string(kControlDiffusers))) return ControlNetNaming::diffusers;
  return std::nullopt;
}

void reject_unsupported_families(const SafetensorsFile& file) {
  for (const auto& [key, view] : file.tensors()) {
    for (const auto& family : kUnsupportedFamilies) {
      if (key.starts_with(family.key_prefix)) {
        throw CheckpointError(file.path().string() + ": a " + std::string(family.name) +
                              " checkpoint (key '" + key + "'); this engine runs Stable Diffusion 1.x");
      }
    }
  }
}

std::string_view naming_description(ControlNetNaming naming) {
  switch (naming) {
    case ControlNetNaming::ldm_prefixed: return "original names, control_model. prefix";
    case ControlNetNaming::ldm_unprefixed: return "original names without prefix";
    case ControlNetNaming::diffusers: return "diffusers names";
  }
  return "";
}

}  // namespace

std::string_view component_name(ModelComponent component) {
  switch (component) {
    case ModelComponent::unet: return "unet";
    case ModelComponent::vae: return "vae";
    case ModelComponent::text_encoder: return "text_encoder";
    case ModelComponent::controlnet: return "controlnet";
  }
  return "";
}

std::string_view ldm_prefix(ModelComponent component) {
  switch (component) {
    case ModelComponent::unet: return "model.diffusion_model.";
    case ModelComponent::vae: return "first_stage_model.";
    case ModelComponent::text_encoder: return "cond_stage_model.transformer.";
    case ModelComponent::controlnet: return "control_model.";
  }
  return "";
}

std::string_view checkpoint_kind_name(CheckpointKind kind) {
  switch (kind) {
    case CheckpointKind::stable_diffusion: return "Stable Diffusion 1.x";
    case CheckpointKind::stable_diffusion_inpainting: return "Stable Diffusion 1.x inpainting";
    case CheckpointKind::controlnet: return "ControlNet";
  }
  return "";
}

std::string CheckpointInfo::describe() const {
  std::ostringstream text;
  text << path.string() << ": single-file " << checkpoint_kind_name(kind) << " checkpoint";
  if (unet_in_channels > 0) text << " (UNet with " << unet_in_channels << " input channels)";
  if (controlnet_naming) text << " (ControlNet: " << naming_description(*controlnet_naming) << ")";
  for (const auto& [component, count] : tensor_counts) {
    text << "\n  " << component_name(component) << ": " << count << " tensors";
  }
  text << "\n  " << non_weight_keys << " non-weight keys skipped";
  if (!unrecognised_keys.empty()) text << format_key_list("unrecognised keys (not loaded)", unrecognised_keys, 10);
  return text.str();
}

SingleFileCheckpoint SingleFileCheckpoint::open(const std::filesystem::path& path) {
  if (is_pickle_extension(path)) reject_pickle(path);
  SingleFileCheckpoint checkpoint;
  try {
    checkpoint.file_ = SafetensorsFile::open(path);
  } catch (const SafetensorsError&) {
    if (starts_like_pickle(path)) reject_pickle(path);
    throw;
  }
  const auto& file = *checkpoint.file_;
  reject_unsupported_families(file);

  auto& info = checkpoint.info_;
  info.path = path;
  info.controlnet_naming = controlnet_naming(file);
  if (file.contains(std::string(kUNetConvIn))) {
    const auto& shape = file.tensor(std::string(kUNetConvIn)).shape;
    info.unet_in_channels = shape.size() == 4 ? shape[1] : 0;
  }
  if (info.controlnet_naming) {
    info.kind = CheckpointKind::controlnet;
  } else if (info.unet_in_channels > 0) {
    info.kind = info.unet_in_channels == kInpaintingInChannels ? CheckpointKind::stable_diffusion_inpainting
                                                               : CheckpointKind::stable_diffusion;
  } else {
    throw CheckpointError(path.string() + ": not a Stable Diffusion 1.x or ControlNet checkpoint (none of '" +
                          std::string(kUNetConvIn) + "', '" + std::string(kControlHintPrefixed) + "', '" +
                          std::string(kControlHintUnprefixed) + "', '" + std::string(kControlDiffusers) +
                          "' is in it)");
  }

  for (const auto& [key, view] : file.tensors()) {
    if (is_non_weight_key(key)) {
      ++info.non_weight_keys;
    } else if (const auto component = checkpoint.component_of(key)) {
      ++info.tensor_counts[*component];
    } else {
      info.unrecognised_keys.push_back(key);
    }
  }
  return checkpoint;
}

std::optional<ModelComponent> SingleFileCheckpoint::component_of(const std::string& key) const {
  // A ControlNet without prefix (or with diffusers names) owns the whole file.
  if (info_.controlnet_naming == ControlNetNaming::ldm_unprefixed ||
      info_.controlnet_naming == ControlNetNaming::diffusers) {
    return ModelComponent::controlnet;
  }
  for (const auto component : kComponents) {
    if (key.starts_with(ldm_prefix(component))) return component;
  }
  return std::nullopt;
}

StateDict SingleFileCheckpoint::ldm_tensors(ModelComponent component, std::optional<c10::ScalarType> convert_to) const {
  const bool add_prefix = component == ModelComponent::controlnet &&
                          info_.controlnet_naming == ControlNetNaming::ldm_unprefixed;
  StateDict tensors;
  for (const auto& [key, view] : file_->tensors()) {
    if (is_non_weight_key(key) || component_of(key) != component) continue;
    tensors.emplace(add_prefix ? std::string(ldm_prefix(component)) + key : key, to_torch(view, file_, convert_to));
  }
  return tensors;
}

StateDict SingleFileCheckpoint::load(ModelComponent component, const KeyMapping& mapping,
                                     const RenameOptions& options) const {
  if (!has(component)) {
    throw CheckpointError(info_.path.string() + ": the checkpoint has no " + std::string(component_name(component)) +
                          " (no key starts with '" + std::string(ldm_prefix(component)) + "')");
  }
  if (component == ModelComponent::controlnet && info_.controlnet_naming == ControlNetNaming::diffusers) {
    return ldm_tensors(component, options.convert_to);
  }
  return rename_to_diffusers(ldm_tensors(component), mapping,
                             info_.path.string() + " (" + std::string(component_name(component)) + ")", options);
}

}  // namespace backdrop::models
