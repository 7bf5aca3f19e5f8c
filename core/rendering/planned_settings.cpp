#include "core/rendering/planned_settings.h"

#include "core/generation/weights_fingerprint.h"

namespace backdrop {

GenerationSettings diffusion_generation_settings(const backgrounds::DiffusionSettings& diffusion, int seeds) {
  GenerationSettings settings;
  settings.seeds = seeds;
  settings.steps = diffusion.steps;
  settings.scheduler = diffusion.scheduler;  // empty: the model's own, as the generator paints
  settings.guidance_scale = diffusion.guidance_scale;
  settings.model_sha256 = weights_fingerprint(diffusion.model);
  settings.controlnet_sha256 = weights_fingerprint(diffusion.controlnet);
  for (const auto& lora : diffusion.loras) settings.loras.push_back(variant_lora(lora.path, lora.multiplier));
  settings.dtype = backgrounds::resolved_dtype(diffusion);
  return settings;
}

GenerationSettings planned_generation_settings(const RunChoices& choices) {
  GenerationSettings settings;
  if (choices.generator.diffusion) {
    settings = diffusion_generation_settings(choices.generator.settings, choices.seeds);
  }
  settings.seeds = choices.seeds;
  settings.products = choices.products;
  settings.placements = choices.placements;
  settings.colours = choices.colours;
  return settings;
}

}  // namespace backdrop
