#include "core/generation/variant_description.h"

#include <sstream>

namespace backdrop {
namespace {

std::string number(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

// The product's position where the placement sets it; "layout rule" where it does not.
std::string position(const imaging::ProductPosition& position) {
  if (position.empty()) return "layout rule";
  std::string text;
  const auto part = [&text](const char* name, const std::optional<double>& value) {
    if (!value) return;
    if (!text.empty()) text += ", ";
    text += std::string(name) + " " + number(*value);
  };
  part("x", position.x);
  part("y", position.y);
  part("scale", position.scale);
  return text;
}

std::string loras(const std::vector<VariantLora>& loras) {
  std::string text;
  for (const auto& lora : loras) {
    if (!text.empty()) text += ", ";
    text += lora.sha256.substr(0, 12) + " ×" + number(lora.multiplier);
  }
  return text.empty() ? "none" : text;
}

std::string edges(const std::optional<std::pair<double, double>>& thresholds) {
  return thresholds ? number(thresholds->first) + " / " + number(thresholds->second) : "automatic";
}

}  // namespace

std::string placement_size(const VariantInputs& inputs) {
  return std::to_string(inputs.placement.width) + "x" + std::to_string(inputs.placement.height);
}

std::vector<DescriptionLine> describe_variant_inputs(const VariantInputs& inputs) {
  return {{"product", inputs.product_id + (inputs.product_title.empty() ? "" : " (" + inputs.product_title + ")")},
          {"category", inputs.product_category},
          {"prompt", inputs.prompt},
          {"negative prompt", inputs.negative_prompt.empty() ? "none" : inputs.negative_prompt},
          {"colour", inputs.colour.empty() ? "none" : inputs.colour},
          {"placement", inputs.placement.name + " " + placement_size(inputs)},
          {"product position", position(inputs.placement.position)},
          {"mask", inputs.mask.method},
          {"edge thresholds", edges(inputs.edge_thresholds)},
          {"seed", std::to_string(inputs.seed)},
          {"steps", std::to_string(inputs.steps)},
          {"scheduler", inputs.scheduler},
          {"guidance", number(inputs.guidance_scale)},
          {"model", inputs.model_sha256.empty() ? "none (studio backdrop)" : inputs.model_sha256.substr(0, 12)},
          {"ControlNet", inputs.controlnet_sha256.empty() ? "none" : inputs.controlnet_sha256.substr(0, 12)},
          {"LoRAs", loras(inputs.loras)},
          {"engine", inputs.engine_version}};
}

}  // namespace backdrop
