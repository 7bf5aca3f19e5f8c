#include "models/pipelines/stable_diffusion_components.h"

#include <torch/torch.h>

#include "models/autoencoders/vae_ldm_keys.h"
#include "models/controlnets/controlnet_config.h"
#include "models/controlnets/controlnet_ldm_names.h"
#include "models/loaders/checkpoint_error.h"
#include "models/loaders/diffusers_folder.h"
#include "models/loaders/single_file.h"
#include "models/loaders/state_dict.h"
#include "models/pipelines/lora_fusion.h"
#include "models/pipelines/sd15_defaults.h"
#include "models/schedulers/scheduler_config.h"
#include "models/text_encoders/clip_text_ldm_keys.h"
#include "models/unets/ldm_names.h"
#include "models/unets/unet_config.h"

namespace backdrop::models {
namespace {

namespace fs = std::filesystem;

// Copies the weights in, then moves the module where it will run, in inference mode.
template <typename ModuleHolder>
void finish_module(ModuleHolder& module, const StateDict& weights, const std::string& origin,
                   const ModelLoadOptions& options) {
  load_state_dict(*module, weights, origin);
  module->to(options.device, options.dtype);
  module->eval();
}

std::shared_ptr<const ClipTokenizer> load_tokenizer(const fs::path& folder) {
  return std::make_shared<const ClipTokenizer>(ClipTokenizer::from_folder(folder));
}

const ComponentFiles& required_component(const ModelFiles& files, const std::string& name) {
  const auto it = files.models.find(name);
  if (it == files.models.end()) {
    throw CheckpointError(files.root.string() + ": the pipeline has no '" + name + "' component");
  }
  return it->second;
}

StableDiffusionComponents load_from_diffusers_folder(const fs::path& root, const ModelLoadOptions& options) {
  const auto files = discover_diffusers_pipeline(root, DiscoveryOptions{options.variant});
  if (!files.tokenizer) throw CheckpointError(root.string() + ": the pipeline has no tokenizer");

  StableDiffusionComponents components;
  components.description = files.describe();
  components.tokenizer = load_tokenizer(options.tokenizer.value_or(files.tokenizer->vocab.parent_path()));

  const auto& text = required_component(files, "text_encoder");
  components.text_encoder = ClipTextModel(ClipTextConfig::from_file(text.config));
  finish_module(components.text_encoder, load_model_weights(text), text.folder.string(), options);

  const auto& unet = required_component(files, "unet");
  components.unet = UNet2DConditionModel(load_unet_config(unet.config));
  finish_module(components.unet, load_model_weights(unet), unet.folder.string(), options);

  const auto& vae = required_component(files, "vae");
  components.vae = AutoencoderKL(AutoencoderKLConfig::from_file(vae.config));
  finish_module(components.vae, load_model_weights(vae), vae.folder.string(), options);

  components.scheduler_config =
      files.scheduler_config ? load_diffusers_json(*files.scheduler_config) : sd15_scheduler_config();
  return components;
}

fs::path single_file_tokenizer(const fs::path& checkpoint, const ModelLoadOptions& options) {
  if (options.tokenizer) return *options.tokenizer;
  const auto beside = checkpoint.parent_path() / "tokenizer";
  if (fs::is_directory(beside)) return beside;
  if (options.bundled_tokenizer) return *options.bundled_tokenizer;
  throw CheckpointError(checkpoint.string() +
                        ": a single-file checkpoint carries no tokenizer and Backdrop's CLIP vocabulary was not "
                        "found; give a folder with vocab.json and merges.txt (--tokenizer), or put it beside the "
                        "checkpoint as tokenizer/");
}

StableDiffusionComponents load_from_single_file(const fs::path& path, const ModelLoadOptions& options) {
  const auto checkpoint = SingleFileCheckpoint::open(path);
  const auto& info = checkpoint.info();
  if (info.kind == CheckpointKind::controlnet) {
    throw CheckpointError(path.string() + ": this is a ControlNet, not a Stable Diffusion checkpoint");
  }
  for (const auto component : {ModelComponent::unet, ModelComponent::vae, ModelComponent::text_encoder}) {
    if (!checkpoint.has(component)) {
      throw CheckpointError(path.string() + ": the checkpoint has no " + std::string(component_name(component)) +
                            " weights (" + std::string(ldm_prefix(component)) + "*)");
    }
  }
  StableDiffusionComponents components;
  components.description = info.describe();
  components.tokenizer = load_tokenizer(single_file_tokenizer(path, options));

  const auto text_config = ClipTextConfig::from_json(sd15_text_encoder_config(), "SD 1.5 text encoder config");
  components.text_encoder = ClipTextModel(text_config);
  finish_module(components.text_encoder,
                checkpoint.load(ModelComponent::text_encoder, {clip_text_diffusers_to_ldm_keys(text_config), {}}),
                path.string(), options);

  auto unet_json = sd15_unet_config();
  unet_json["in_channels"] = info.unet_in_channels;  // 9 for inpainting checkpoints
  const auto unet_config = parse_unet_config(unet_json, "SD 1.5 UNet config");
  components.unet = UNet2DConditionModel(unet_config);
  finish_module(components.unet, checkpoint.load(ModelComponent::unet, {unet_ldm_key_map(unet_config), {}}),
                path.string(), options);

  const auto vae_config = AutoencoderKLConfig::from_json(sd15_vae_config(), "SD 1.5 VAE config");
  components.vae = AutoencoderKL(vae_config);
  const KeyMapping vae_mapping{vae_diffusers_to_ldm_keys(vae_config), conv1x1_to_linear(vae_ldm_key_needs_conv_reshape)};
  finish_module(components.vae, checkpoint.load(ModelComponent::vae, vae_mapping), path.string(), options);

  components.scheduler_config = sd15_scheduler_config();
  return components;
}

}  // namespace

StableDiffusionComponents load_stable_diffusion(const fs::path& model, const ModelLoadOptions& options) {
  torch::NoGradGuard no_grad;
  auto components = fs::is_directory(model) ? load_from_diffusers_folder(model, options)
                                            : load_from_single_file(model, options);
  components.device = options.device;
  components.dtype = options.dtype;
  if (!options.loras.empty()) components.description += fuse_loras(components, options.loras);
  return components;
}

ControlNetModel load_controlnet(const fs::path& path, const ModelLoadOptions& options) {
  torch::NoGradGuard no_grad;
  if (fs::is_directory(path)) {
    const auto files = discover_diffusers_model(path, DiscoveryOptions{options.variant});
    ControlNetModel controlnet(load_controlnet_config(files.config));
    finish_module(controlnet, load_model_weights(files), path.string(), options);
    return controlnet;
  }
  // A single file: the ControlNet config.json beside it when there is one, else SD 1.5's ControlNet.
  const auto config_beside = path.parent_path() / "config.json";
  const bool has_own_config = fs::is_regular_file(config_beside) &&
                              read_json_file(config_beside).value("_class_name", "") == "ControlNetModel";
  const auto config = has_own_config ? load_controlnet_config(config_beside)
                                     : parse_controlnet_config(sd15_controlnet_config(), "SD 1.5 ControlNet config");
  const auto checkpoint = SingleFileCheckpoint::open(path);
  if (!checkpoint.has(ModelComponent::controlnet)) {
    throw CheckpointError(path.string() + ": this file holds no ControlNet weights");
  }
  ControlNetModel controlnet(config);
  finish_module(controlnet, checkpoint.load(ModelComponent::controlnet, {controlnet_ldm_key_map(config), {}}),
                path.string(), options);
  return controlnet;
}

}  // namespace backdrop::models
