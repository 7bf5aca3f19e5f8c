#include "core/generation/plan_summary.h"

#include <algorithm>
#include <map>
#include <set>

namespace backdrop {
namespace {

std::string factor(size_t count, const std::string& singular, const std::string& plural) {
  return std::to_string(count) + " " + (count == 1 ? singular : plural);
}

}  // namespace

PlanSummary summarize_plan(const std::vector<VariantInputs>& plan) {
  std::map<std::string, std::set<std::string>> prompts_by_product, colours_by_product;
  std::set<std::string> placements;
  std::set<uint64_t> seeds;
  for (const auto& variant : plan) {
    prompts_by_product[variant.product_id].insert(variant.prompt + '\n' + variant.negative_prompt);
    placements.insert(variant.placement.name);
    colours_by_product[variant.product_id].insert(variant.colour);  // a palette's differ per product
    seeds.insert(variant.seed);
  }
  PlanSummary summary;
  summary.products = prompts_by_product.size();
  for (const auto& [product, prompts] : prompts_by_product) {
    summary.min_prompts = summary.min_prompts == 0 ? prompts.size() : std::min(summary.min_prompts, prompts.size());
    summary.max_prompts = std::max(summary.max_prompts, prompts.size());
  }
  summary.placements = placements.size();
  for (const auto& [product, colours] : colours_by_product) summary.colours = std::max(summary.colours, colours.size());
  summary.seeds = seeds.size();
  summary.variants = plan.size();
  return summary;
}

std::string describe_plan(const PlanSummary& summary) {
  const std::string times = " \u00d7 ";
  std::string prompts =
      summary.min_prompts == summary.max_prompts
          ? factor(summary.max_prompts, "prompt", "prompts")
          : std::to_string(summary.min_prompts) + "\u2013" + std::to_string(summary.max_prompts) + " prompts";
  std::string text = factor(summary.products, "product", "products") + times + prompts + times +
                     factor(summary.placements, "placement", "placements") + times +
                     factor(summary.colours, "colour", "colours");
  if (summary.seeds > 1) text += times + factor(summary.seeds, "seed", "seeds");
  return text + " = " + factor(summary.variants, "variant", "variants");
}

}  // namespace backdrop
