#pragma once
// Text-to-image with an optional ControlNet and classifier-free guidance: diffusers'
// StableDiffusionControlNetPipeline (and, without a ControlNet, StableDiffusionPipeline).

#include <optional>

#include <torch/types.h>

#include "models/controlnets/controlnet.h"
#include "models/pipelines/generation_parameters.h"
#include "models/pipelines/pipeline_utils.h"
#include "models/pipelines/stable_diffusion_components.h"
#include "models/runtime/random.h"

namespace backdrop::models {

struct TextToImageInputs {
  GenerationParameters parameters;
  // [1 or num_prompts, 3, height, width] in [0, 1]; needed when a ControlNet is given.
  torch::Tensor control_image;
  // Initial noise [batch, 4, height/8, width/8]; when undefined it is drawn from the seeds.
  torch::Tensor latents;
};

struct TextToImageResult {
  torch::Tensor images;   // [batch, 3, height, width] in [0, 1], on the CPU, float32
  torch::Tensor latents;  // the final latents
};

class ControlNetTextToImagePipeline {
 public:
  // `controlnet` may be empty (nullptr holder): plain text-to-image.
  ControlNetTextToImagePipeline(StableDiffusionComponents components, ControlNetModel controlnet);

  // Throws std::invalid_argument for invalid inputs, GenerationCancelled when cancelled.
  TextToImageResult operator()(const TextToImageInputs& inputs, const RunControl& control = {}) const;

  const StableDiffusionComponents& components() const { return components_; }

 private:
  torch::Tensor initial_latents(const TextToImageInputs& inputs, double init_noise_sigma,
                                RandomGenerator& generator) const;

  StableDiffusionComponents components_;
  ControlNetModel controlnet_;
};

// The initial noise of a batch, drawn on CPU generators: one seed draws the whole batch at once from
// `first` (seeded with it), one seed per image draws each image from its own generator (`first` for
// the first image).
torch::Tensor draw_initial_noise(const std::vector<uint64_t>& seeds, at::IntArrayRef shape, RandomGenerator& first);

}  // namespace backdrop::models
