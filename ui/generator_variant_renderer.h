#pragma once
// The generation queue's renderer when diffusion weights are configured (it paints with any
// BackgroundGenerator): the product placed as the studio renderer places it, its background
// generated (progress after every denoising step, cancellation between steps), scored for
// artifacts on the image before paste-back, and the composited image written with its record
// (generator, prompt, artifact score) in a PNG text chunk, as `backdrop generate` writes its
// variants. Plain C++ (no Qt); the generator interface keeps libtorch out of this file.

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "core/backgrounds/artifact_score.h"
#include "core/backgrounds/background_generator.h"
#include "core/backgrounds/variant_png_record.h"
#include "core/generation/variant_renderer.h"
#include "core/imaging/layout_rules.h"

namespace backdrop::ui {

// What the prompt's placeholders and the layout rule need to know about a product.
struct VariantProduct {
  std::string category;
  std::string title;
};

struct RenderedVariant {
  cv::Mat image;  // CV_8UC3, the product's own pixels pasted back
  std::string generator;
  std::string prompt;  // with its placeholders filled
  backgrounds::ArtifactScore artifacts;
};

// (step, total) after every denoising step of the variant being rendered.
using StepSink = std::function<void(int64_t, int64_t)>;

// One variant painted by `generator`. Throws Cancelled (checked between denoising steps), ImageError
// for a photo without a product, std::invalid_argument for a prompt with an unknown placeholder.
RenderedVariant render_with_generator(const backgrounds::BackgroundGenerator& generator, const VariantInputs& inputs,
                                      const std::filesystem::path& cache_dir, const VariantProduct& product,
                                      const imaging::LayoutRules& rules, const StepSink& on_step,
                                      const CancellationToken& cancel);

// Writes the variant as PNG with its record; `path` may lack the .png extension.
void write_variant_png(const std::filesystem::path& path, const RenderedVariant& variant, const VariantInputs& inputs);

// The record write_variant_png() writes, read back by core (variant_png_record.h).
using backgrounds::read_variant_record;
using backgrounds::VariantImageRecord;

class GeneratorVariantRenderer : public VariantRenderer {
 public:
  // `products`: product id -> category and title. `generator` must outlive the renderer.
  GeneratorVariantRenderer(const backgrounds::BackgroundGenerator& generator, std::filesystem::path cache_dir,
                           std::map<std::string, VariantProduct> products, StepSink on_step = {},
                           imaging::LayoutRules rules = {});
  // Renders one variant at a time (a generator runs one variant at a time), whatever the threads.
  void render(const VariantInputs& inputs, const std::filesystem::path& output,
              const CancellationToken& cancel) override;

 private:
  const backgrounds::BackgroundGenerator& generator_;
  std::filesystem::path cache_dir_;
  std::map<std::string, VariantProduct> products_;
  StepSink on_step_;
  imaging::LayoutRules rules_;
  std::mutex generating_;
};

}  // namespace backdrop::ui
