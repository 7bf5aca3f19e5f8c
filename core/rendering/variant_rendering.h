#pragma once
// One planned variant painted by any background generator. The product is cut out by the mask it
// was planned with and placed on the variant's canvas by the placement's position and the
// category's layout rule it carries; the generator paints the background around it; the image
// before paste-back is scored for artifacts; the record says how it was made. The Studio's
// Generate, `backdrop project jobs run` and `backdrop worker` render through render_variant(), and
// `backdrop generate` (a catalogue folder, cut out on the fly) through paint_variant(), so the
// same inputs give the same pixels and the same record.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include <opencv2/core.hpp>

#include "core/backgrounds/background_generator.h"
#include "core/backgrounds/variant_png_record.h"
#include "core/common/cancellation.h"
#include "core/generation/variant_inputs.h"
#include "core/imaging/placement.h"

namespace backdrop {

// The variant's product cut out by the mask it was planned with (the hand-fixed or prepared mask
// in `cache_dir` whose content hash the key holds, or else the automatic segmentation) and placed
// on the variant's canvas: what the generator paints a background around, and what the compare
// view shows the mask and edge map of. Throws ImageError when the photo cannot be read or has no
// product, or when the photo or the mask file is not the one the variant was planned with (a
// worker on another machine without the project's cache folder, a photo replaced since).
imaging::PlacedProduct place_variant_product(const VariantInputs& inputs, const std::filesystem::path& cache_dir);

struct RenderedVariant {
  cv::Mat image;      // CV_8UC3, the product's own pixels pasted back
  cv::Mat generated;  // CV_8UC3, before paste-back (what was scored)
  backgrounds::VariantProvenance made;
  backgrounds::StageTimes times;
};

// The variant's prompt and negative prompt as the generator is asked to paint them: the
// placeholders filled with the product's title and category and the colour's name. Throws
// std::invalid_argument for an unknown placeholder or a malformed colour.
struct PaintedPrompts {
  std::string prompt, negative_prompt;
};
PaintedPrompts painted_prompts(const VariantInputs& inputs);

// (step, total) after every denoising step of the variant being rendered.
using StepSink = std::function<void(int64_t, int64_t)>;

// The background painted by `generator` around `placed`, the product already on the variant's
// canvas; the prompt's placeholders take the product's category and title and the colour's name
// from `inputs`. Throws Cancelled (checked between denoising steps), std::invalid_argument for a
// prompt with an unknown placeholder or a malformed colour.
RenderedVariant paint_variant(const backgrounds::BackgroundGenerator& generator, const VariantInputs& inputs,
                              const imaging::PlacedProduct& placed, const StepSink& on_step,
                              const CancellationToken& cancel);

// One planned variant: place_variant_product() then paint_variant(). Throws as they do, and
// std::invalid_argument for a diffusion generator whose steps, scheduler or guidance are not the
// ones the variant was planned (and keyed) with.
RenderedVariant render_variant(const backgrounds::BackgroundGenerator& generator, const VariantInputs& inputs,
                               const std::filesystem::path& cache_dir, const StepSink& on_step,
                               const CancellationToken& cancel);

}  // namespace backdrop
