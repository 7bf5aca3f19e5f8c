#pragma once
// The diffusion background generator built from models already in memory (benchmarks with random
// full-size weights, tests); make_diffusion_generator() loads them from files instead. This header
// brings in libtorch.

#include <memory>

#include "core/backgrounds/background_generator.h"
#include "models/controlnets/controlnet.h"
#include "models/pipelines/stable_diffusion_components.h"

namespace backdrop::backgrounds {

// `controlnet` may be empty (nullptr holder). `settings.model` and the other paths are not used.
std::unique_ptr<BackgroundGenerator> make_diffusion_generator(models::StableDiffusionComponents components,
                                                              models::ControlNetModel controlnet,
                                                              const DiffusionSettings& settings);

}  // namespace backdrop::backgrounds
