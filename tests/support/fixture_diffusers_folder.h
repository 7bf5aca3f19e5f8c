#pragma once
// The tiny diffusion fixture models (tests/support/test_data.h diffusion_fixtures()) copied into
// the layout of a diffusers folder, as a user's Settings or `backdrop generate --model` name one:
// a 9-channel inpainting UNet, the VAE, the text encoder and tokenizer, a DDIM scheduler, and a
// ControlNet folder inside it. No torch here: GUI tests use it too.

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "support/test_data.h"

namespace backdrop::test {

namespace detail {

inline void copy_fixture(const std::string& name, const std::filesystem::path& target) {
  std::filesystem::create_directories(target.parent_path());
  std::filesystem::copy_file(diffusion_fixtures() / name, target, std::filesystem::copy_options::overwrite_existing);
}

}  // namespace detail

// Builds the folder at `root` and returns it; its ControlNet is fixture_controlnet_folder(root).
inline std::filesystem::path fixture_diffusers_folder(const std::filesystem::path& root) {
  using detail::copy_fixture;
  std::filesystem::create_directories(root);
  std::ofstream(root / "model_index.json") << R"({"_class_name": "StableDiffusionInpaintPipeline",
    "scheduler": ["diffusers", "DDIMScheduler"], "text_encoder": ["transformers", "CLIPTextModel"],
    "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "UNet2DConditionModel"],
    "vae": ["diffusers", "AutoencoderKL"]})";
  copy_fixture("unet_inpaint_config.json", root / "unet" / "config.json");
  copy_fixture("unet_inpaint.safetensors", root / "unet" / "diffusion_pytorch_model.safetensors");
  copy_fixture("vae_config.json", root / "vae" / "config.json");
  copy_fixture("vae.safetensors", root / "vae" / "diffusion_pytorch_model.safetensors");
  copy_fixture("controlnet_config.json", root / "controlnet" / "config.json");
  copy_fixture("controlnet.safetensors", root / "controlnet" / "diffusion_pytorch_model.safetensors");
  copy_fixture("text_encoder_config.json", root / "text_encoder" / "config.json");
  copy_fixture("text_encoder.safetensors", root / "text_encoder" / "model.safetensors");
  for (const std::string file : {"vocab.json", "merges.txt", "tokenizer_config.json"}) {
    copy_fixture("clip_vocab/" + file, root / "tokenizer" / file);
  }
  auto scheduler =
      nlohmann::json::parse(std::ifstream(diffusion_fixtures() / "pipeline_config.json")).at("scheduler_config");
  scheduler["_class_name"] = "DDIMScheduler";  // as the fixture README says
  std::filesystem::create_directories(root / "scheduler");
  std::ofstream(root / "scheduler" / "scheduler_config.json") << scheduler.dump();
  return root;
}

// The ControlNet (canny) folder inside a fixture_diffusers_folder().
inline std::filesystem::path fixture_controlnet_folder(const std::filesystem::path& root) { return root / "controlnet"; }

}  // namespace backdrop::test
