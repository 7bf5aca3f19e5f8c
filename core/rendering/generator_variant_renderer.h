#pragma once
// The job runner's renderer: each task's variant painted by a background generator (the studio
// backdrop or Stable Diffusion with the ControlNet) through render_variant(), and written as PNG
// with its record (generator, prompt, artifact score ...), as `backdrop generate` writes its variants.

#include <filesystem>
#include <mutex>

#include "core/backgrounds/background_generator.h"
#include "core/generation/variant_renderer.h"
#include "core/rendering/variant_rendering.h"

namespace backdrop {

class GeneratorVariantRenderer : public VariantRenderer {
 public:
  // `generator` must outlive the renderer. `on_step` sees the denoising steps of the variant being
  // painted.
  GeneratorVariantRenderer(const backgrounds::BackgroundGenerator& generator, std::filesystem::path cache_dir,
                           StepSink on_step = {});
  // A diffusion generator paints one variant at a time, whatever the caller's threads; the studio
  // backdrop paints on every thread at once.
  void render(const VariantInputs& inputs, const std::filesystem::path& output,
              const CancellationToken& cancel) override;
  // One for diffusion (torch uses the cores within the variant), any number for the studio backdrop.
  int max_parallel_renders() const override { return generator_.uses_diffusion() ? 1 : 0; }

 private:
  RenderedVariant render_one(const VariantInputs& inputs, const CancellationToken& cancel) const;

  const backgrounds::BackgroundGenerator& generator_;
  std::filesystem::path cache_dir_;
  StepSink on_step_;
  std::mutex generating_;
};

}  // namespace backdrop
