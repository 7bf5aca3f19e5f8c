#include "app/cli/recipe_option.h"

#include "core/backgrounds/generation_recipe.h"

namespace backdrop::cli {
namespace {

bool given(const CLI::App& command, const std::string& flag) {
  const auto* option = command.get_option_no_throw(flag);
  return option != nullptr && option->count() > 0;
}

std::string recipe_help() {
  std::string help = "sampling recipe (scheduler, steps, guidance; those flags win):";
  for (const auto& recipe : backgrounds::generation_recipes()) {
    help += " " + recipe.name + " = " + recipe.label;
    if (!recipe.requirement.empty()) help += " (needs " + recipe.requirement + ")";
    help += ";";
  }
  help.pop_back();
  return help;
}

}  // namespace

void RecipeOption::add_to(CLI::App& command) {
  command.add_option("--recipe", name_, recipe_help())->check(CLI::IsMember(backgrounds::generation_recipe_names()));
}

void apply_recipe(const std::string& name, const CLI::App& command, const SamplingFlags& flags, std::string& scheduler,
                  int64_t& steps, double& guidance) {
  if (name.empty()) return;
  const auto& recipe = backgrounds::find_generation_recipe(name);
  if (!given(command, flags.scheduler)) scheduler = recipe.scheduler;
  if (!given(command, flags.steps)) steps = recipe.steps;
  if (!given(command, flags.guidance)) guidance = recipe.guidance_scale;
}

}  // namespace backdrop::cli
