#include "ui/generator_variant_renderer.h"

#include <nlohmann/json.hpp>

#include "core/backgrounds/background_variants.h"
#include "core/backgrounds/prompt_library.h"
#include "core/common/version.h"
#include "core/imaging/plain_background_segmenter.h"
#include "core/imaging/png_text.h"
#include "ui/studio_backdrop_renderer.h"

namespace backdrop::ui {
namespace {

std::optional<backgrounds::BackgroundColour> variant_colour(const std::string& colour) {
  if (colour.empty()) return std::nullopt;
  // A "#rrggbb" colour resolves on its own; the product's palette is not needed for it.
  return backgrounds::resolve_colours(colour, cv::Mat(), cv::Mat()).front();
}

}  // namespace

RenderedVariant render_with_generator(const backgrounds::BackgroundGenerator& generator, const VariantInputs& inputs,
                                      const std::filesystem::path& cache_dir, const VariantProduct& product,
                                      const imaging::LayoutRules& rules, const StepSink& on_step,
                                      const CancellationToken& cancel) {
  cancel.throw_if_cancelled();
  const auto placed = place_variant_product(inputs, cache_dir, product.category, rules);
  const auto colour = variant_colour(inputs.colour);
  const backgrounds::PromptValues values{product.title, product.category, colour ? colour->name : ""};
  const backgrounds::BackgroundRequest request{&placed, backgrounds::fill_prompt(inputs.prompt, values),
                                               backgrounds::fill_prompt(inputs.negative_prompt, values), colour,
                                               inputs.seed};
  cancel.throw_if_cancelled();
  // Thrown from the step callback, Cancelled stops the denoising loop after the step in progress.
  const auto generated = generator.generate(request, [&](int64_t step, int64_t total) {
    if (on_step) on_step(step, total);
    cancel.throw_if_cancelled();
  });
  const imaging::PlainBackgroundSegmenter segmenter;
  return {generated.composited, generator.name(), request.prompt,
          backgrounds::score_artifacts(generated.generated, placed.mask, segmenter)};
}

void write_variant_png(const std::filesystem::path& path, const RenderedVariant& variant, const VariantInputs& inputs) {
  const auto& score = variant.artifacts;
  const nlohmann::json artifacts{
      {"edge_continuation", score.edge_continuation},
      {"object_expansion", score.object_expansion ? nlohmann::json(*score.object_expansion) : nlohmann::json(nullptr)},
      {"flagged", score.flagged},
      {"reason", score.reason}};
  const nlohmann::json record{{"generator", variant.generator},   {"product_id", inputs.product_id},
                              {"placement", inputs.placement.name}, {"prompt", variant.prompt},
                              {"colour", inputs.colour},            {"seed", inputs.seed},
                              {"steps", inputs.steps},              {"artifacts", artifacts},
                              {"engine_version", kEngineVersion}};
  imaging::write_png_with_text(
      path, variant.image,
      {{backgrounds::kVariantRecordKey, record.dump()}, {"Software", std::string("Backdrop ") + kEngineVersion}});
}

GeneratorVariantRenderer::GeneratorVariantRenderer(const backgrounds::BackgroundGenerator& generator,
                                                   std::filesystem::path cache_dir,
                                                   std::map<std::string, VariantProduct> products, StepSink on_step,
                                                   imaging::LayoutRules rules)
    : generator_(generator),
      cache_dir_(std::move(cache_dir)),
      products_(std::move(products)),
      on_step_(std::move(on_step)),
      rules_(std::move(rules)) {}

void GeneratorVariantRenderer::render(const VariantInputs& inputs, const std::filesystem::path& output,
                                      const CancellationToken& cancel) {
  const std::lock_guard lock(generating_);
  const auto product = products_.find(inputs.product_id);
  const auto variant = render_with_generator(generator_, inputs, cache_dir_,
                                             product == products_.end() ? VariantProduct{} : product->second, rules_,
                                             on_step_, cancel);
  write_variant_png(output, variant, inputs);
}

}  // namespace backdrop::ui
