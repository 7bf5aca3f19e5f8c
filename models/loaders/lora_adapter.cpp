// Fusing LoRAs into weights and restoring them (lora.h).

#include <torch/torch.h>

#include "models/loaders/lora.h"

namespace backdrop::models {

LoraAdapter::LoraAdapter(std::vector<LoraTarget> targets, KeepOriginals keep)
    : targets_(std::move(targets)), keep_(keep) {}

LoraWeights LoraAdapter::load_lora_weights(const std::filesystem::path& path) const {
  return models::load_lora_weights(path, targets_);
}

torch::Tensor LoraAdapter::weight_of(const LoraModuleUpdate& update) const {
  for (const auto& target : targets_) {
    if (target.name != update.target) continue;
    const auto parameters = target.module->named_parameters();
    if (const auto* weight = parameters.find(update.module + ".weight")) return *weight;
  }
  throw LoraError("LoRA module " + update.key + ": the model has no weight " + update.target + "/" + update.module +
                  " (the LoRA was loaded for another model)");
}

void LoraAdapter::fuse_lora(const LoraWeights& lora, double multiplier) {
  torch::NoGradGuard no_grad;
  for (const auto& update : lora.updates) {
    auto weight = weight_of(update);
    const auto name = update.target + "/" + update.module;
    if (fused_.count(name) == 0) {
      fused_.emplace(name, std::pair{weight, keep_ == KeepOriginals::yes ? weight.clone() : torch::Tensor()});
    }
    // up @ down in float32 on the weight's device, whatever the file's and the weight's dtypes.
    const auto as_float = [&](const torch::Tensor& t) { return t.to(weight.device(), torch::kFloat32).flatten(1); };
    const auto delta = torch::mm(as_float(update.up), as_float(update.down)).mul_(multiplier * update.scale);
    weight.copy_(weight.to(torch::kFloat32).add_(delta.reshape(weight.sizes())));
  }
}

void LoraAdapter::unfuse_lora() {
  if (keep_ == KeepOriginals::no && !fused_.empty()) {
    throw LoraError("unfuse_lora: the original weights were not kept; load the model again");
  }
  torch::NoGradGuard no_grad;
  for (auto& [name, weights] : fused_) weights.first.copy_(weights.second);
  fused_.clear();
}

}  // namespace backdrop::models
