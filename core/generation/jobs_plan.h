#pragma once
// Turns a project into a job's variant list: for every product, every prompt of its category's
// newest approved prompt set (or the default prompt), every chosen placement of the project, every
// chosen colour and every seed. A prompt that names its own colour is made in that colour only
// (the designer chose it); the others in each of the chosen colours. A product's edge thresholds
// tuned in the Studio go with its variants. Products whose mask needs attention are held back
// (project.masks().held_back() lists them with their reasons) until a person accepts or repaints
// the mask.

#include <optional>
#include <string>
#include <vector>

#include "core/backgrounds/generation_recipe.h"
#include "core/generation/variant_inputs.h"
#include "core/imaging/layout_rules.h"

namespace backdrop {

class Project;
struct StoredProduct;

struct GenerationSettings {
  int seeds = 1;
  std::vector<std::string> products;         // the products' external ids; empty: every product
  std::vector<std::string> placements;       // names of the project's placements; empty: all of them
  std::vector<std::string> colours{"none"};  // "none", "palette[:N]", "#rrggbb" (imaging/colour_spec.h)
  int steps = backgrounds::kDefaultSteps;
  std::string scheduler = backgrounds::kDefaultScheduler;
  double guidance_scale = backgrounds::kDefaultGuidanceScale;
  MaskSettings mask;
  std::string model_sha256;       // hashes of the weight files, part of every key
  std::string controlnet_sha256;
  std::vector<VariantLora> loras;  // the LoRAs fused into the weights, part of every key
  std::string dtype = "fp32";      // resolved: "fp32" or "bf16"
  // Where products sit on the canvases; unset: the installed rules (imaging::installed_layout_rules()).
  std::optional<imaging::LayoutRules> layout;
  std::string default_prompt = "product photo on a clean studio backdrop, soft light";
  std::string default_negative_prompt = "text, watermark, blurry";
};

// What every variant of the product shares: the product, its saved mask (saved_mask_method()), its
// category's layout rule, its tuned edge thresholds and the sampling settings (the prompt preview
// starts from it too, so it cuts the product out as Generate does).
VariantInputs product_variant_inputs(Project& project, const StoredProduct& product,
                                     const GenerationSettings& settings);

// Throws std::invalid_argument naming an unknown placement or a colour spec it cannot read, and
// ImageError naming a product whose palette cannot be read or a layout rules file.
std::vector<VariantInputs> plan_variants(Project& project, const GenerationSettings& settings);

}  // namespace backdrop
