#pragma once
// The settings variants are planned (and keyed) with when a diffusion generator will paint them.
// The Studio's Generate and `backdrop project jobs run` both plan with it, so the same weights and
// parameters give the same variant keys whichever front-end plans.

#include "core/backgrounds/background_generator.h"
#include "core/generation/jobs_plan.h"

namespace backdrop {

// `diffusion`'s steps, scheduler and guidance, and the fingerprints of its weights and LoRAs
// (they change pixels, so they are in every key). Throws StoreError naming an unreadable LoRA.
GenerationSettings diffusion_generation_settings(const backgrounds::DiffusionSettings& diffusion, int seeds);

}  // namespace backdrop
