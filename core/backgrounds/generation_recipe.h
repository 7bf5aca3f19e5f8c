#pragma once
// Named sampling recipes: a scheduler, a step count and a guidance scale that belong together,
// chosen by name on the command line (--recipe) and in the Studio's settings instead of being
// tuned one by one. Defined here once; the front-ends only list and apply them.
//
//   name      label               scheduler       steps  guidance
//   standard  Standard, 20 steps  (model's own)   20     7.5   (DiffusionSettings' defaults)
//   lcm-lora  LCM-LoRA, 4 steps   lcm             4      1.0   needs an LCM-LoRA (--lora) or an LCM model
//
// Guidance 1 runs no unconditional batch, so an LCM-LoRA step costs half a guided one.

#include <string>
#include <vector>

namespace backdrop::backgrounds {

// The sampling defaults of every front-end (the Studio, `backdrop project jobs run`, `backdrop
// worker`, the planned variants' keys).
inline constexpr int kDefaultSteps = 20;
inline constexpr double kDefaultGuidanceScale = 7.5;
inline constexpr const char* kDefaultScheduler = "ddim";

struct GenerationRecipe {
  std::string name;       // command-line name
  std::string label;      // what the Studio shows
  std::string scheduler;  // a scheduler short name; empty: the model's own
  int steps = kDefaultSteps;
  double guidance_scale = kDefaultGuidanceScale;
  std::string requirement;  // what else the recipe needs, for help texts; empty: nothing
};

const std::vector<GenerationRecipe>& generation_recipes();
std::vector<std::string> generation_recipe_names();
// Throws std::invalid_argument naming the unknown recipe and the known ones.
const GenerationRecipe& find_generation_recipe(const std::string& name);

}  // namespace backdrop::backgrounds
