#pragma once
// Which background generator the studio paints with: Stable Diffusion with the ControlNet when
// Settings name both weights, the studio backdrop otherwise. The choice is plain data taken on the
// GUI thread; the models are opened from it on a worker thread (never on the GUI thread).

#include <memory>
#include <mutex>
#include <string>

#include "core/backgrounds/background_generator.h"
#include "core/rendering/planned_settings.h"
#include "ui/studio_settings.h"

namespace backdrop::ui {

GeneratorChoice generatorChoice(const StudioSettings& settings);

// Opens the chosen generator (loads the models for diffusion). Throws std::runtime_error saying
// which weights could not be loaded and why.
std::unique_ptr<backgrounds::BackgroundGenerator> openGenerator(const GeneratorChoice& choice);

// The last generator opened, kept for the next use while the choice stays the same: the prompt
// preview opens the models on its first diffusion preview, not on every one. Called from worker
// threads; one generator is used by one caller at a time.
class OpenedGenerator {
 public:
  // Opens the chosen generator on the calling thread when the choice changed. Throws as openGenerator.
  std::shared_ptr<const backgrounds::BackgroundGenerator> get(const GeneratorChoice& choice);

 private:
  std::mutex mutex_;
  GeneratorChoice choice_;
  std::shared_ptr<const backgrounds::BackgroundGenerator> generator_;
};

}  // namespace backdrop::ui
