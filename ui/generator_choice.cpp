#include "ui/generator_choice.h"

#include <algorithm>
#include <stdexcept>

namespace backdrop::ui {
namespace {

bool sameLoras(const std::vector<models::LoraSpec>& a, const std::vector<models::LoraSpec>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const auto& x, const auto& y) { return x.path == y.path && x.multiplier == y.multiplier; });
}

// Whether the generator opened for `b` paints as `a` asks: other LoRAs mean other fused weights.
bool sameChoice(const GeneratorChoice& a, const GeneratorChoice& b) {
  const auto& x = a.settings;
  const auto& y = b.settings;
  return a.diffusion == b.diffusion && x.model == y.model && x.controlnet == y.controlnet && x.device == y.device &&
         x.steps == y.steps && x.scheduler == y.scheduler && x.guidance_scale == y.guidance_scale &&
         x.dtype == y.dtype && sameLoras(x.loras, y.loras);
}

}  // namespace

GeneratorChoice generatorChoice(const StudioSettings& settings) {
  GeneratorChoice choice;
  choice.diffusion = settings.hasDiffusionWeights();
  if (!choice.diffusion) return choice;
  choice.settings.model = settings.checkpoint.toStdString();
  choice.settings.controlnet = settings.controlnet.toStdString();
  choice.settings.device = settings.device.toStdString();
  choice.settings.dtype = settings.dtype.toStdString();
  const auto& recipe = backgrounds::find_generation_recipe(settings.recipe.toStdString());
  choice.settings.scheduler = recipe.scheduler;
  choice.settings.guidance_scale = recipe.guidance_scale;
  choice.settings.steps = settings.steps;
  choice.settings.loras = settings.loraSpecs();  // checked when the settings were saved
  return choice;
}

std::unique_ptr<backgrounds::BackgroundGenerator> openGenerator(const GeneratorChoice& choice) {
  if (!choice.diffusion) return std::make_unique<backgrounds::StudioBackgroundGenerator>();
  try {
    return backgrounds::make_diffusion_generator(choice.settings);
  } catch (const std::exception& error) {
    throw std::runtime_error("cannot load the diffusion models (checkpoint " + choice.settings.model.string() +
                             ", ControlNet " + choice.settings.controlnet.string() + "): " + error.what());
  }
}

std::shared_ptr<const backgrounds::BackgroundGenerator> OpenedGenerator::get(const GeneratorChoice& choice) {
  const std::lock_guard lock(mutex_);
  if (!generator_ || !sameChoice(choice, choice_)) {
    generator_.reset();  // the old models leave memory before the new ones load
    generator_ = openGenerator(choice);
    choice_ = choice;
  }
  return generator_;
}

}  // namespace backdrop::ui
