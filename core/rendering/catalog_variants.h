#pragma once
// `backdrop generate` as an engine function: for every product of a catalogue folder, cut it out,
// place it on every placement and make its background variants = prompt x colour x seed x
// placement, each painted and scored by paint_variant() (as a project's queued variants are) and
// written with its record; then a contact sheet and variants.json. A product that fails is
// reported and the run goes on.
//
// Output layout:  DIR/<product>/<placement>/product.png, mask.png        (the placed product)
//                 DIR/<product>/<placement>/<prompt>-<colour>-s<seed>.png (the variant, with its
//                                                  record in a PNG text chunk)
//                 DIR/<product>/<placement>/<prompt>-<colour>-s<seed>.generated.png (before paste-back)
//                 DIR/variants.json, DIR/contact_sheet.png

#include <filesystem>
#include <string>
#include <vector>

#include "core/backgrounds/background_generator.h"
#include "core/backgrounds/prompt_library.h"
#include "core/backgrounds/variant_png_record.h"
#include "core/catalog/catalog.h"
#include "core/common/cancellation.h"
#include "core/imaging/layout_rules.h"
#include "core/imaging/mask_review.h"
#include "core/imaging/placement.h"
#include "core/imaging/segmentation.h"

namespace backdrop {

struct VariantOptions {
  std::filesystem::path out_dir;
  std::vector<imaging::Placement> placements;
  imaging::LayoutRules layout;
  backgrounds::PromptLibrary prompts;
  int prompts_per_product = 0;  // > 0: only the category's first N templates
  // Each: "none" (no colour), "palette" / "palette:N" (the product's first N background
  // suggestions), or a brand colour "#rrggbb".
  std::vector<std::string> colours{"palette"};
  std::vector<uint64_t> seeds{0};
  const imaging::Segmenter* learned = nullptr;  // optional, for photos without a plain background
  // A product whose mask is below it needs attention and gets no variants (the failure says why).
  double confidence_threshold = imaging::kDefaultConfidenceThreshold;
};

// A variant of the run: how it was made (its PNG's record), where it is and how long it took.
struct VariantRecord : backgrounds::VariantProvenance {
  std::filesystem::path file;
  backgrounds::StageTimes times;
};

struct VariantRunSummary {
  std::string generator;  // "diffusion" or "studio"
  std::vector<VariantRecord> variants;
  std::vector<std::pair<std::string, std::string>> failed_products;  // id, why
  std::filesystem::path contact_sheet;
  std::vector<std::string> contact_sheet_columns;  // e.g. "square, palette 1, seed 3"
  size_t flagged() const;
};

// Progress counts variants; `on_step` sees the denoising steps of the current variant.
// Throws Cancelled when cancelled (between variants).
VariantRunSummary generate_background_variants(const std::vector<Product>& products, const VariantOptions& options,
                                               const backgrounds::BackgroundGenerator& generator,
                                               const ProgressSink& progress = {},
                                               const backgrounds::StepCallback& on_step = {},
                                               const CancellationToken& cancellation = {});

}  // namespace backdrop
