#include "core/generation/jobs_plan.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

#include "core/generation/planned_colours.h"
#include "core/imaging/product_segmentation.h"
#include "core/store/project.h"

namespace backdrop {
namespace {

std::vector<PromptEntry> prompts_for(Project& project, const std::string& category, const GenerationSettings& settings,
                                     std::map<std::string, std::vector<PromptEntry>>& memo) {
  auto found = memo.find(category);
  if (found != memo.end()) return found->second;
  std::vector<PromptEntry> prompts;
  if (auto set = project.prompts().latest_approved(category)) prompts = set->prompts;
  if (prompts.empty()) prompts.push_back({0, settings.default_prompt, settings.default_negative_prompt, ""});
  memo.emplace(category, prompts);
  return prompts;
}

// The project's placements that the settings name, in the project's order; all when none is named.
std::vector<Placement> chosen_placements(Project& project, const std::vector<std::string>& names) {
  auto placements = project.placements().list();
  if (placements.empty()) {
    throw std::runtime_error(project.file().string() +
                             ": the project has no placements (add one with `backdrop "
                             "project placements add`)");
  }
  if (names.empty()) return placements;
  std::string known;
  for (const auto& placement : placements) known += (known.empty() ? "" : ", ") + placement.name;
  for (const auto& name : names) {
    const auto found = std::find_if(placements.begin(), placements.end(),
                                    [&name](const Placement& placement) { return placement.name == name; });
    if (found == placements.end()) {
      throw std::invalid_argument("placement '" + name + "' is not one of the project's (" + known + ")");
    }
  }
  std::erase_if(placements, [&names](const Placement& placement) {
    return std::find(names.begin(), names.end(), placement.name) == names.end();
  });
  return placements;
}

}  // namespace

VariantInputs product_variant_inputs(Project& project, const StoredProduct& product,
                                     const GenerationSettings& settings) {
  auto inputs = make_variant_inputs();
  inputs.product_id = product.external_id;
  inputs.product_image_path = product.image_path;
  inputs.product_category = product.category;
  inputs.product_title = product.title;
  inputs.product_image_sha256 = product.image_sha256;
  inputs.layout =
      (settings.layout ? *settings.layout : imaging::installed_layout_rules()).for_category(product.category);
  inputs.mask = settings.mask;
  inputs.steps = settings.steps;
  inputs.scheduler = settings.scheduler;
  inputs.guidance_scale = settings.guidance_scale;
  inputs.model_sha256 = settings.model_sha256;
  inputs.controlnet_sha256 = settings.controlnet_sha256;
  inputs.loras = settings.loras;
  inputs.dtype = settings.dtype;
  const auto mask = imaging::product_mask_path(project.cache_dir(), product.external_id);
  std::error_code missing;
  if (std::filesystem::is_regular_file(mask, missing)) inputs.mask.method = saved_mask_method(mask);
  if (const auto edges = project.edge_settings().find(product.external_id)) {
    inputs.edge_thresholds = std::pair{edges->low, edges->high};
  }
  return inputs;
}

std::vector<VariantInputs> plan_variants(Project& project, const GenerationSettings& chosen_settings) {
  auto settings = chosen_settings;
  if (!settings.layout) settings.layout = imaging::installed_layout_rules();  // read once for the plan
  const auto placements = chosen_placements(project, settings.placements);
  PlannedColours colours(settings.colours, project.cache_dir());
  std::map<std::string, std::vector<PromptEntry>> prompts_by_category;
  std::set<std::string> held_back;
  for (const auto& mask : project.masks().held_back()) held_back.insert(mask.product);
  std::vector<VariantInputs> variants;
  const std::set<std::string> chosen(settings.products.begin(), settings.products.end());
  for (const auto& product : project.products().list()) {
    // Before any per-product work: a palette reads the product's photo.
    if (!chosen.empty() && !chosen.contains(product.external_id)) continue;
    if (held_back.contains(product.external_id)) continue;  // its mask needs attention
    const auto common = product_variant_inputs(project, product, settings);
    for (const auto& prompt : prompts_for(project, product.category, settings, prompts_by_category)) {
      const auto prompt_colours =
          prompt.colour.empty() ? colours.for_product(product) : std::vector<std::string>{prompt.colour};
      for (const auto& placement : placements) {
        for (const auto& colour : prompt_colours) {
          for (int seed = 0; seed < settings.seeds; ++seed) {
            auto inputs = common;
            if (prompt.id != 0) inputs.prompt_id = prompt.id;
            inputs.prompt = prompt.prompt;
            inputs.negative_prompt = prompt.negative_prompt;
            inputs.placement = placement;
            inputs.colour = colour;
            inputs.seed = static_cast<uint64_t>(seed);
            variants.push_back(std::move(inputs));
          }
        }
      }
    }
  }
  return variants;
}

}  // namespace backdrop
