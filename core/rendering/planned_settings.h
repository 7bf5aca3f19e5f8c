#pragma once
// The settings variants are planned (and keyed) with. The Studio's Generate and `backdrop project
// jobs run` both plan with them, so the same choices give the same variant keys whichever
// front-end plans.

#include <string>
#include <vector>

#include "core/backgrounds/background_generator.h"
#include "core/generation/jobs_plan.h"

namespace backdrop {

// Who paints: Stable Diffusion with the ControlNet, or the studio backdrop.
struct GeneratorChoice {
  bool diffusion = false;
  backgrounds::DiffusionSettings settings;  // its weights and sampling, when `diffusion`
};

// What a person chose for a run, as every front-end collects it.
struct RunChoices {
  GeneratorChoice generator;
  int seeds = 1;
  std::vector<std::string> products;         // external ids; empty: every product
  std::vector<std::string> placements;       // the project's placements by name; empty: all
  std::vector<std::string> colours{"none"};  // "none", "palette[:N]", "#rrggbb"
};

// The settings a run is planned with. The sampling parameters and weights enter the keys only for
// diffusion: the studio backdrop ignores them, so its variants are keyed with the defaults whatever
// a command line said. Throws as diffusion_generation_settings.
GenerationSettings planned_generation_settings(const RunChoices& choices);

// `diffusion`'s steps, scheduler and guidance, and the fingerprints of its weights and LoRAs
// (they change pixels, so they are in every key). Throws StoreError naming an unreadable weight or
// LoRA file.
GenerationSettings diffusion_generation_settings(const backgrounds::DiffusionSettings& diffusion, int seeds);

}  // namespace backdrop
