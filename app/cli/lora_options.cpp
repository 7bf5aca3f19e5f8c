#include "app/cli/lora_options.h"

#include <filesystem>
#include <string>

namespace backdrop::cli {

void add_lora_option(CLI::App& command, std::vector<models::LoraSpec>& loras) {
  command
      .add_option_function<std::vector<std::string>>(
          "--lora",
          [&loras](const std::vector<std::string>& values) {
            loras.clear();
            for (const auto& value : values) {
              models::LoraSpec spec;
              try {
                spec = models::parse_lora_spec(value);
              } catch (const models::LoraError& error) {
                throw CLI::ValidationError("--lora", error.what());
              }
              if (!std::filesystem::is_regular_file(spec.path)) {
                throw CLI::ValidationError("--lora", spec.path.string() + ": no such file");
              }
              loras.push_back(spec);
            }
          },
          "LoRA .safetensors (kohya or diffusers PEFT) fused at a multiplier, FILE[:multiplier] (default 1); "
          "repeat for several")
      ->take_all()
      ->allow_extra_args(false);
}

}  // namespace backdrop::cli
