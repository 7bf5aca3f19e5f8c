#include "core/rendering/generator_variant_renderer.h"

#include "core/backgrounds/variant_png_record.h"

namespace backdrop {

GeneratorVariantRenderer::GeneratorVariantRenderer(const backgrounds::BackgroundGenerator& generator,
                                                   std::filesystem::path cache_dir, StepSink on_step)
    : generator_(generator), cache_dir_(std::move(cache_dir)), on_step_(std::move(on_step)) {}

void GeneratorVariantRenderer::render(const VariantInputs& inputs, const std::filesystem::path& output,
                                      const CancellationToken& cancel) {
  const auto variant = [&] {
    if (!generator_.uses_diffusion()) return render_one(inputs, cancel);
    const std::lock_guard lock(generating_);
    return render_one(inputs, cancel);
  }();
  backgrounds::write_variant_png(output, variant.image, variant.made);
}

RenderedVariant GeneratorVariantRenderer::render_one(const VariantInputs& inputs,
                                                     const CancellationToken& cancel) const {
  return render_variant(generator_, inputs, cache_dir_, on_step_, cancel);
}

}  // namespace backdrop
