#include "core/backgrounds/generation_recipe.h"

#include <stdexcept>

namespace backdrop::backgrounds {

const std::vector<GenerationRecipe>& generation_recipes() {
  static const std::vector<GenerationRecipe> recipes = {
      {"standard", "Standard, 20 steps", "", kDefaultSteps, kDefaultGuidanceScale, ""},
      {"lcm-lora", "LCM-LoRA, 4 steps", "lcm", 4, 1.0, "an LCM-LoRA (--lora) or an LCM-distilled model"},
  };
  return recipes;
}

std::vector<std::string> generation_recipe_names() {
  std::vector<std::string> names;
  for (const auto& recipe : generation_recipes()) names.push_back(recipe.name);
  return names;
}

const GenerationRecipe& find_generation_recipe(const std::string& name) {
  std::string known;
  for (const auto& recipe : generation_recipes()) {
    if (recipe.name == name) return recipe;
    known += (known.empty() ? "" : ", ") + recipe.name;
  }
  throw std::invalid_argument("unknown recipe '" + name + "' (known: " + known + ")");
}

}  // namespace backdrop::backgrounds
