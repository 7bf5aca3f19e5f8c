#include "core/generation/jobs_plan.h"

#include <map>
#include <set>
#include <stdexcept>

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

}  // namespace

std::vector<VariantInputs> plan_variants(Project& project, const GenerationSettings& settings) {
  const auto placements = project.placements().list();
  if (placements.empty()) {
    throw std::runtime_error(project.file().string() +
                             ": the project has no placements (add one with `backdrop "
                             "project placements add`)");
  }
  std::map<std::string, std::vector<PromptEntry>> prompts_by_category;
  std::set<std::string> held_back;
  for (const auto& mask : project.masks().held_back()) held_back.insert(mask.product);
  std::vector<VariantInputs> variants;
  for (const auto& product : project.products().list()) {
    if (held_back.contains(product.external_id)) continue;  // its mask needs attention
    for (const auto& prompt : prompts_for(project, product.category, settings, prompts_by_category)) {
      for (const auto& placement : placements) {
        for (int seed = 0; seed < settings.seeds; ++seed) {
          auto inputs = make_variant_inputs();
          inputs.product_id = product.external_id;
          inputs.product_image_path = product.image_path;
          inputs.product_image_sha256 = product.image_sha256;
          if (prompt.id != 0) inputs.prompt_id = prompt.id;
          inputs.prompt = prompt.prompt;
          inputs.negative_prompt = prompt.negative_prompt;
          inputs.colour = prompt.colour;
          inputs.mask = settings.mask;
          inputs.placement = placement;
          inputs.seed = static_cast<uint64_t>(seed);
          inputs.steps = settings.steps;
          inputs.scheduler = settings.scheduler;
          inputs.guidance_scale = settings.guidance_scale;
          inputs.model_sha256 = settings.model_sha256;
          inputs.controlnet_sha256 = settings.controlnet_sha256;
          inputs.loras = settings.loras;
          variants.push_back(std::move(inputs));
        }
      }
    }
  }
  return variants;
}

}  // namespace backdrop
