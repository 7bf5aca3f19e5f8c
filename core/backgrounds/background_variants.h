#pragma once
// `backdrop generate` as an engine function: for every product of a catalogue, cut it out, place
// it on every placement and make its background variants = prompt x colour x seed x placement,
// each scored for artifacts (before paste-back) and written with its record; then a contact
// sheet and variants.json. A product that fails is reported and the run goes on.
//
// Output layout:  DIR/<product>/<placement>/product.png, mask.png        (the placed product)
//                 DIR/<product>/<placement>/<prompt>-<colour>-s<seed>.png (the variant, with its
//                                                  record in a PNG text chunk)
//                 DIR/<product>/<placement>/<prompt>-<colour>-s<seed>.generated.png (before paste-back)
//                 DIR/variants.json, DIR/contact_sheet.png

#include <filesystem>
#include <string>
#include <vector>

#include "core/backgrounds/artifact_score.h"
#include "core/backgrounds/background_generator.h"
#include "core/backgrounds/prompt_library.h"
#include "core/backgrounds/variant_png_record.h"
#include "core/catalog/catalog.h"
#include "core/common/cancellation.h"
#include "core/imaging/layout_rules.h"
#include "core/imaging/mask_review.h"
#include "core/imaging/placement.h"
#include "core/imaging/segmentation.h"

namespace backdrop::backgrounds {

struct VariantOptions {
  std::filesystem::path out_dir;
  std::vector<imaging::Placement> placements;
  imaging::LayoutRules layout;
  PromptLibrary prompts;
  int prompts_per_product = 0;  // > 0: only the category's first N templates
  // Each: "none" (no colour), "palette" / "palette:N" (the product's first N background
  // suggestions), or a brand colour "#rrggbb".
  std::vector<std::string> colours{"palette"};
  std::vector<uint64_t> seeds{0};
  const imaging::Segmenter* learned = nullptr;  // optional, for photos without a plain background
  // A product whose mask is below it needs attention and gets no variants (the failure says why).
  double confidence_threshold = imaging::kDefaultConfidenceThreshold;
  ArtifactScoreOptions scoring;
};

// A variant of the run: how it was made (its PNG's record), where it is and how long it took.
struct VariantRecord : VariantProvenance {
  std::filesystem::path file;
  StageTimes times;
};

struct VariantRunSummary {
  std::string generator;  // "diffusion" or "studio"
  std::vector<VariantRecord> variants;
  std::vector<std::pair<std::string, std::string>> failed_products;  // id, why
  std::filesystem::path contact_sheet;
  std::vector<std::string> contact_sheet_columns;  // e.g. "square, palette 1, seed 3"
  size_t flagged() const;
};

// The colours one colour specification gives for a product. Throws std::invalid_argument.
std::vector<BackgroundColour> resolve_colours(const std::string& spec, const cv::Mat& product_bgr,
                                              const cv::Mat& product_mask);

// Progress counts variants; `on_step` sees the denoising steps of the current variant.
// Throws Cancelled when cancelled (between variants).
VariantRunSummary generate_background_variants(const std::vector<Product>& products, const VariantOptions& options,
                                               const BackgroundGenerator& generator, const ProgressSink& progress = {},
                                               const StepCallback& on_step = {},
                                               const CancellationToken& cancellation = {});

}  // namespace backdrop::backgrounds
