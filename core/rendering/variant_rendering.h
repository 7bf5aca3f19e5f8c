#pragma once
// One queued variant painted by any background generator. The product is cut out by its saved mask
// and placed on the variant's canvas by the category's layout rule; the generator paints the
// background around it; the image before paste-back is scored for artifacts; the record says how
// it was made. The Studio's Generate, `backdrop project jobs run` and `backdrop worker` all render
// through render_variant(), so the same inputs give the same pixels and the same record.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include <opencv2/core.hpp>

#include "core/backgrounds/background_generator.h"
#include "core/backgrounds/variant_png_record.h"
#include "core/common/cancellation.h"
#include "core/generation/variant_inputs.h"
#include "core/imaging/layout_rules.h"
#include "core/imaging/placement.h"

namespace backdrop {

// The variant's product cut out (by its hand-fixed or prepared mask when there is one) and placed
// on the variant's canvas by the category's layout rule: what the generator paints a background
// around, and what the compare view shows the mask and edge map of. Throws ImageError when the
// photo cannot be read or has no product.
imaging::PlacedProduct place_variant_product(const VariantInputs& inputs, const std::filesystem::path& cache_dir,
                                             const std::string& category, const imaging::LayoutRules& rules);

struct RenderedVariant {
  cv::Mat image;  // CV_8UC3, the product's own pixels pasted back
  backgrounds::VariantProvenance made;
};

// (step, total) after every denoising step of the variant being rendered.
using StepSink = std::function<void(int64_t, int64_t)>;

// One variant painted by `generator`; the prompt's placeholders and the layout rule take the
// product's category and title from `inputs`. Throws Cancelled (checked between denoising steps), ImageError
// for a photo without a product, std::invalid_argument for a prompt with an unknown placeholder, a
// malformed colour, or a diffusion generator whose steps, scheduler or guidance are not the ones the
// variant was planned (and keyed) with.
RenderedVariant render_variant(const backgrounds::BackgroundGenerator& generator, const VariantInputs& inputs,
                               const std::filesystem::path& cache_dir, const imaging::LayoutRules& rules, const StepSink& on_step,
                               const CancellationToken& cancel);

}  // namespace backdrop
