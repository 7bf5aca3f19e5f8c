#pragma once
// The tiny Stable Diffusion models of the diffusion fixture folder, assembled into pipeline
// components from their separate files (the fixture folder is not a diffusers folder).

#include <filesystem>
#include <memory>

#include "models/autoencoders/vae_config.h"
#include "models/controlnets/controlnet_config.h"
#include "models/loaders/diffusers_folder.h"
#include "models/loaders/state_dict.h"
#include "models/pipelines/stable_diffusion_components.h"
#include "models/unets/unet_config.h"

namespace backdrop::test {

template <typename ModuleHolder>
void load_fixture_weights(ModuleHolder& module, const std::filesystem::path& file) {
  models::load_state_dict(*module, models::load_safetensors(file), file.string());
  module->eval();
}

// The scheduler of pipeline_config.json (DDIM, as the fixture README says).
inline nlohmann::json fixture_scheduler_config(const std::filesystem::path& dir) {
  auto config = models::read_json_file(dir / "pipeline_config.json").at("scheduler_config");
  config["_class_name"] = "DDIMScheduler";
  return config;
}

inline models::StableDiffusionComponents fixture_components(const std::filesystem::path& dir,
                                                            const std::string& unet_name = "unet") {
  models::StableDiffusionComponents components;
  components.tokenizer =
      std::make_shared<const models::ClipTokenizer>(models::ClipTokenizer::from_folder(dir / "clip_vocab"));
  components.text_encoder =
      models::ClipTextModel(models::ClipTextConfig::from_file(dir / "text_encoder_config.json"));
  load_fixture_weights(components.text_encoder, dir / "text_encoder.safetensors");
  components.unet = models::UNet2DConditionModel(models::load_unet_config(dir / (unet_name + "_config.json")));
  load_fixture_weights(components.unet, dir / (unet_name + ".safetensors"));
  components.vae = models::AutoencoderKL(models::AutoencoderKLConfig::from_file(dir / "vae_config.json"));
  load_fixture_weights(components.vae, dir / "vae.safetensors");
  components.scheduler_config = fixture_scheduler_config(dir);
  components.description = "diffusion fixtures";
  return components;
}

inline models::ControlNetModel fixture_controlnet(const std::filesystem::path& dir) {
  models::ControlNetModel controlnet(models::load_controlnet_config(dir / "controlnet_config.json"));
  load_fixture_weights(controlnet, dir / "controlnet.safetensors");
  return controlnet;
}

}  // namespace backdrop::test
