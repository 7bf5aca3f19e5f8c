#include "core/rendering/variant_rendering.h"

#include <optional>
#include <sstream>
#include <stdexcept>

#include "core/backgrounds/background_variants.h"
#include "core/backgrounds/prompt_library.h"
#include "core/imaging/image_error.h"
#include "core/imaging/image_io.h"
#include "core/imaging/plain_background_segmenter.h"
#include "core/imaging/product_segmentation.h"

namespace backdrop {
namespace {

std::optional<backgrounds::BackgroundColour> variant_colour(const std::string& colour) {
  if (colour.empty()) return std::nullopt;
  // A "#rrggbb" colour resolves on its own; the product's palette is not needed for it.
  return backgrounds::resolve_colours(colour, cv::Mat(), cv::Mat()).front();
}

std::string describe(const backgrounds::DenoisingParameters& p) {
  std::ostringstream text;
  text << p.steps << " steps, scheduler '" << p.scheduler << "', guidance " << p.guidance_scale;
  return text.str();
}

// A diffusion variant's key holds the denoising parameters it was planned with; painting it with
// others would cache different pixels under that key.
void require_planned_denoising(const backgrounds::BackgroundGenerator& generator, const VariantInputs& inputs) {
  if (!generator.uses_diffusion()) return;
  const backgrounds::DenoisingParameters planned{inputs.steps, inputs.scheduler, inputs.guidance_scale};
  const auto painting = generator.denoising();
  if (planned != painting) {
    throw std::invalid_argument("variant of " + inputs.product_id + " was planned with " + describe(planned) +
                                ", but this generator paints with " + describe(painting));
  }
}

backgrounds::VariantProvenance provenance(const backgrounds::BackgroundGenerator& generator,
                                          const VariantInputs& inputs,
                                          const backgrounds::BackgroundRequest& request) {
  backgrounds::VariantProvenance made;
  made.generator = generator.name();
  made.product_id = inputs.product_id;
  made.placement = inputs.placement.name;
  made.prompt_id = inputs.prompt_id ? std::to_string(*inputs.prompt_id) : "";
  made.prompt = request.prompt;
  made.negative_prompt = request.negative_prompt;
  made.colour = inputs.colour;
  made.colour_name = request.colour ? request.colour->name : "";
  made.seed = inputs.seed;
  const auto denoising = generator.denoising();
  made.steps = denoising.steps;
  made.scheduler = denoising.scheduler;
  made.guidance_scale = denoising.guidance_scale;
  return made;
}

}  // namespace

imaging::PlacedProduct place_variant_product(const VariantInputs& inputs, const std::filesystem::path& cache_dir,
                                             const std::string& category, const imaging::LayoutRules& rules) {
  const auto image = imaging::load_image(inputs.product_image_path);
  const auto segmentation =
      imaging::segment_with_saved_mask(image, imaging::product_mask_path(cache_dir, inputs.product_id));
  if (segmentation.mask.empty()) {
    throw imaging::ImageError(inputs.product_image_path + ": no product mask (" + segmentation.note + ")");
  }
  const imaging::Placement placement{inputs.placement.name, inputs.placement.width, inputs.placement.height};
  return imaging::place_product(image.bgr, segmentation, placement, rules.for_category(category));
}

RenderedVariant render_variant(const backgrounds::BackgroundGenerator& generator, const VariantInputs& inputs,
                               const std::filesystem::path& cache_dir, const imaging::LayoutRules& rules, const StepSink& on_step,
                               const CancellationToken& cancel) {
  cancel.throw_if_cancelled();
  require_planned_denoising(generator, inputs);
  const auto placed = place_variant_product(inputs, cache_dir, inputs.product_category, rules);
  const auto colour = variant_colour(inputs.colour);
  const backgrounds::PromptValues values{inputs.product_title, inputs.product_category, colour ? colour->name : ""};
  const backgrounds::BackgroundRequest request{&placed,
                                               backgrounds::fill_prompt(inputs.prompt, values),
                                               backgrounds::fill_prompt(inputs.negative_prompt, values),
                                               colour,
                                               inputs.seed,
                                               inputs.edge_thresholds};
  cancel.throw_if_cancelled();
  // Thrown from the step callback, Cancelled stops the denoising loop after the step in progress.
  const auto generated = generator.generate(request, [&](int64_t step, int64_t total) {
    if (on_step) on_step(step, total);
    cancel.throw_if_cancelled();
  });
  RenderedVariant rendered{generated.composited, provenance(generator, inputs, request)};
  const imaging::PlainBackgroundSegmenter segmenter;
  rendered.made.artifacts = backgrounds::score_artifacts(generated.generated, placed.mask, segmenter);
  return rendered;
}

}  // namespace backdrop
