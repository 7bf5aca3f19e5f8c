#include "models/pipelines/lora_fusion.h"

#include <sstream>

#include "models/unets/ldm_names.h"

namespace backdrop::models {
namespace {

bool strip_weight_suffix(std::string& name) {
  const std::string suffix = ".weight";
  if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
    return false;
  name.resize(name.size() - suffix.size());
  return true;
}

}  // namespace

std::map<std::string, std::string> unet_lora_aliases(const UNet2DConditionConfig& config) {
  std::map<std::string, std::string> aliases;
  for (const auto& [diffusers_key, ldm_key] : unet_ldm_key_map(config, /*prefix=*/"")) {
    auto diffusers = diffusers_key;
    auto ldm = ldm_key;
    if (strip_weight_suffix(diffusers) && strip_weight_suffix(ldm) && ldm != diffusers) aliases.emplace(ldm, diffusers);
  }
  return aliases;
}

std::vector<LoraTarget> stable_diffusion_lora_targets(StableDiffusionComponents& components) {
  return {unet_lora_target(*components.unet, unet_lora_aliases(components.unet->config())),
          text_encoder_lora_target(*components.text_encoder)};
}

std::string fuse_loras(StableDiffusionComponents& components, const std::vector<LoraSpec>& loras) {
  LoraAdapter adapter(stable_diffusion_lora_targets(components), LoraAdapter::KeepOriginals::no);
  std::ostringstream description;
  for (const auto& spec : loras) {
    const auto lora = adapter.load_lora_weights(spec.path);
    adapter.fuse_lora(lora, spec.multiplier);
    description << "\nLoRA " << spec.path.string() << " x" << spec.multiplier << " (" << lora.format << ", "
                << lora.updates.size() << " modules)";
  }
  return description.str();
}

}  // namespace backdrop::models
