#include "core/rendering/variant_rendering.h"

#include <chrono>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "core/backgrounds/artifact_score.h"
#include "core/backgrounds/prompt_library.h"
#include "core/generation/content_hash_cache.h"
#include "core/imaging/colour_spec.h"
#include "core/imaging/image_error.h"
#include "core/imaging/image_io.h"
#include "core/imaging/plain_background_segmenter.h"
#include "core/imaging/product_segmentation.h"

namespace backdrop {
namespace {

namespace fs = std::filesystem;

std::optional<backgrounds::BackgroundColour> variant_colour(const std::string& colour) {
  if (colour.empty()) return std::nullopt;
  // A "#rrggbb" colour resolves on its own; the product's palette is not needed for it.
  auto resolved = imaging::resolve_colour_spec(imaging::parse_colour_spec(colour), cv::Mat(), cv::Mat()).front();
  return backgrounds::BackgroundColour{resolved.bgr, std::move(resolved.name)};
}

// The key holds the photo's content hash (planning always sets it): a photo replaced since would
// put other pixels under the key.
void require_planned_photo(const VariantInputs& inputs) {
  if (inputs.product_image_sha256.empty()) return;  // inputs made by hand, not planned
  if (file_content_sha256(inputs.product_image_path) != inputs.product_image_sha256) {
    throw imaging::ImageError(inputs.product_image_path + ": the photo of " + inputs.product_id +
                              " has changed since the variant was planned; plan the job again");
  }
}

// The product cut out as planned: by the saved mask whose hash the key holds, or automatically
// (a mask saved after planning is not what the key describes).
imaging::Segmentation planned_segmentation(const VariantInputs& inputs, const imaging::LoadedImage& image,
                                           const fs::path& cache_dir) {
  if (!planned_with_saved_mask(inputs.mask)) return imaging::segment_with_saved_mask(image, fs::path());
  const auto file = imaging::product_mask_path(cache_dir, inputs.product_id);
  std::error_code missing;
  if (!fs::is_regular_file(file, missing)) {
    throw imaging::ImageError(file.string() + ": no such file, but the variants of " + inputs.product_id +
                              " were planned with its saved mask (a worker on another machine needs the "
                              "project's cache folder)");
  }
  if (saved_mask_method(file) != inputs.mask.method) {
    throw imaging::ImageError(file.string() + ": the mask of " + inputs.product_id +
                              " has changed since the variant was planned; plan the job again");
  }
  return imaging::segment_with_saved_mask(image, file);
}

std::string describe(const backgrounds::DenoisingParameters& p) {
  std::ostringstream text;
  text << p.steps << " steps, scheduler '" << p.scheduler << "', guidance " << p.guidance_scale << ", " << p.dtype;
  return text.str();
}

std::string describe(const std::vector<VariantLora>& loras) {
  if (loras.empty()) return "no LoRA";
  std::ostringstream text;
  for (const auto& lora : loras) {
    text << (&lora == &loras.front() ? "LoRAs " : ", ") << lora.sha256.substr(0, 12) << ":" << lora.multiplier;
  }
  return text.str();
}

// The generator's LoRAs as keys hold them: content hashes (through the hash cache) and multipliers.
std::vector<VariantLora> generator_loras(const backgrounds::BackgroundGenerator& generator) {
  std::vector<VariantLora> loras;
  for (const auto& spec : generator.loras()) loras.push_back(variant_lora(spec.path, spec.multiplier));
  return loras;
}

// A diffusion variant's key holds the denoising parameters and the LoRAs it was planned with;
// painting it with others would cache different pixels under that key.
void require_planned_denoising(const backgrounds::BackgroundGenerator& generator, const VariantInputs& inputs) {
  if (!generator.uses_diffusion()) return;
  const backgrounds::DenoisingParameters planned{inputs.steps, inputs.scheduler, inputs.guidance_scale, inputs.dtype};
  const auto painting = generator.denoising();
  if (planned != painting) {
    throw std::invalid_argument("variant of " + inputs.product_id + " was planned with " + describe(planned) +
                                ", but this generator paints with " + describe(painting));
  }
  const auto fused = generator_loras(generator);
  if (fused != inputs.loras) {
    throw std::invalid_argument("variant of " + inputs.product_id + " was planned with " + describe(inputs.loras) +
                                ", but this generator fuses " + describe(fused));
  }
}

// The record's LoRAs: each file's name, content hash and multiplier.
std::vector<backgrounds::RecordedLora> recorded_loras(const backgrounds::BackgroundGenerator& generator) {
  std::vector<backgrounds::RecordedLora> loras;
  for (const auto& spec : generator.loras()) {
    loras.push_back({spec.path.filename().string(), file_content_sha256(spec.path), spec.multiplier});
  }
  return loras;
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
  made.dtype = denoising.dtype;
  made.loras = recorded_loras(generator);
  return made;
}

}  // namespace

imaging::PlacedProduct place_variant_product(const VariantInputs& inputs, const std::filesystem::path& cache_dir) {
  require_planned_photo(inputs);
  const auto image = imaging::load_image(inputs.product_image_path);
  const auto segmentation = planned_segmentation(inputs, image, cache_dir);
  if (segmentation.mask.empty()) {
    throw imaging::ImageError(inputs.product_image_path + ": no product mask (" + segmentation.note + ")");
  }
  return imaging::place_product(image.bgr, segmentation, layout_placement(inputs.placement), inputs.layout);
}

PaintedPrompts painted_prompts(const VariantInputs& inputs) {
  const auto colour = variant_colour(inputs.colour);
  const backgrounds::PromptValues values{inputs.product_title, inputs.product_category, colour ? colour->name : ""};
  return {backgrounds::fill_prompt(inputs.prompt, values), backgrounds::fill_prompt(inputs.negative_prompt, values)};
}

RenderedVariant paint_variant(const backgrounds::BackgroundGenerator& generator, const VariantInputs& inputs,
                              const imaging::PlacedProduct& placed, const StepSink& on_step,
                              const CancellationToken& cancel) {
  const auto colour = variant_colour(inputs.colour);
  auto prompts = painted_prompts(inputs);
  const backgrounds::BackgroundRequest request{
      &placed,     std::move(prompts.prompt), std::move(prompts.negative_prompt), colour,
      inputs.seed, inputs.edge_thresholds};
  cancel.throw_if_cancelled();
  // Thrown from the step callback, Cancelled stops the denoising loop after the step in progress.
  const auto generated = generator.generate(request, [&](int64_t step, int64_t total) {
    if (on_step) on_step(step, total);
    cancel.throw_if_cancelled();
  });
  RenderedVariant rendered{generated.composited, generated.generated, provenance(generator, inputs, request),
                           generated.times};
  const auto scoring = std::chrono::steady_clock::now();
  const imaging::PlainBackgroundSegmenter segmenter;
  rendered.made.artifacts = backgrounds::score_artifacts(generated.generated, placed.mask, segmenter);
  rendered.times.scoring = std::chrono::duration<double>(std::chrono::steady_clock::now() - scoring).count();
  return rendered;
}

RenderedVariant render_variant(const backgrounds::BackgroundGenerator& generator, const VariantInputs& inputs,
                               const std::filesystem::path& cache_dir, const StepSink& on_step,
                               const CancellationToken& cancel) {
  cancel.throw_if_cancelled();
  require_planned_denoising(generator, inputs);
  return paint_variant(generator, inputs, place_variant_product(inputs, cache_dir), on_step, cancel);
}

}  // namespace backdrop
