#pragma once
// The models of a Stable Diffusion 1.x pipeline, loaded from what users have: a diffusers folder
// (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/) or an original
// single-file checkpoint (`*.safetensors`), plus an optional ControlNet (a diffusers model folder or
// one `.safetensors` file in either original naming).

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "models/autoencoders/autoencoder_kl.h"
#include "models/controlnets/controlnet.h"
#include "models/loaders/lora.h"
#include "models/text_encoders/clip_text_model.h"
#include "models/tokenizers/clip_tokenizer.h"
#include "models/unets/unet_2d_condition.h"

namespace backdrop::models {

struct ModelLoadOptions {
  torch::Device device = torch::kCPU;
  torch::ScalarType dtype = torch::kFloat32;
  // Prefer these weights in a diffusers folder ("fp16" ...); the plain ones are used when absent.
  std::string variant;
  // A folder with vocab.json and merges.txt. A single-file checkpoint has no tokenizer: without
  // this option, a `tokenizer/` folder beside the checkpoint is used.
  std::optional<std::filesystem::path> tokenizer;
  // The last resort of a single-file checkpoint: the CLIP vocabulary Backdrop ships (a folder with
  // merges.txt; the front-ends find it with core's bundled_clip_tokenizer()).
  std::optional<std::filesystem::path> bundled_tokenizer;
  // Fused into the UNet and text encoder in this order, each at its multiplier (lora_fusion.h).
  std::vector<LoraSpec> loras;
};

struct StableDiffusionComponents {
  std::shared_ptr<const ClipTokenizer> tokenizer;
  ClipTextModel text_encoder{nullptr};
  UNet2DConditionModel unet{nullptr};
  AutoencoderKL vae{nullptr};
  nlohmann::json scheduler_config;  // the pipeline's own, or SD 1.5's default
  torch::Device device = torch::kCPU;
  torch::ScalarType dtype = torch::kFloat32;
  std::string description;  // which files were used, for logs and the GUI
};

// Throws CheckpointError / StateDictError / SafetensorsError naming the file and what is wrong.
StableDiffusionComponents load_stable_diffusion(const std::filesystem::path& model, const ModelLoadOptions& options);

ControlNetModel load_controlnet(const std::filesystem::path& path, const ModelLoadOptions& options);

}  // namespace backdrop::models
