#pragma once
// --recipe NAME, shared by `backdrop txt2img`, `backdrop generate` and `backdrop project jobs run`
// (which plans what the workers render): a named sampling recipe from core
// (core/backgrounds/generation_recipe.h) sets the scheduler, the steps and the guidance scale.
// --scheduler, --steps and the guidance flag given on the same command line win over the recipe.

#include <string>

#include <CLI/CLI.hpp>

namespace backdrop::cli {

struct SamplingFlags {
  std::string scheduler = "--scheduler";
  std::string steps = "--steps";
  std::string guidance = "--guidance-scale";
};

class RecipeOption {
 public:
  void add_to(CLI::App& command);
  // After parsing: the recipe's values into the fields whose flags were not given. No recipe: nothing.
  template <typename Steps>
  void apply(const CLI::App& command, std::string& scheduler, Steps& steps, double& guidance,
             const SamplingFlags& flags = {}) const;

 private:
  std::string name_;
};

// The recipe's values into the fields whose flags were not given (see RecipeOption::apply).
void apply_recipe(const std::string& name, const CLI::App& command, const SamplingFlags& flags, std::string& scheduler,
                  int64_t& steps, double& guidance);

template <typename Steps>
void RecipeOption::apply(const CLI::App& command, std::string& scheduler, Steps& steps, double& guidance,
                         const SamplingFlags& flags) const {
  int64_t count = steps;
  apply_recipe(name_, command, flags, scheduler, count, guidance);
  steps = static_cast<Steps>(count);
}

}  // namespace backdrop::cli
