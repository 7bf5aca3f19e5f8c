#include "models/loaders/key_mapping.h"

#include <set>
#include <sstream>

#include <torch/torch.h>

#include "models/loaders/checkpoint_error.h"
#include "models/loaders/non_weight_keys.h"

namespace backdrop::models {

KeyMapping::Transform conv1x1_to_linear(std::function<bool(const std::string& diffusers_key)> applies_to) {
  return [applies_to = std::move(applies_to)](const std::string& key, const torch::Tensor& tensor) {
    if (!applies_to(key) || tensor.dim() != 4) return tensor;
    if (tensor.size(2) != 1 || tensor.size(3) != 1) {
      std::ostringstream message;
      message << key << ": expected a 1x1 convolution weight [C, C, 1, 1], found " << tensor.sizes();
      throw CheckpointError(message.str());
    }
    return tensor.reshape({tensor.size(0), tensor.size(1)});
  };
}

std::string format_key_list(const std::string& title, const std::vector<std::string>& keys, std::size_t max_listed) {
  std::ostringstream text;
  text << "\n  " << keys.size() << " " << title << ":";
  for (std::size_t i = 0; i < keys.size() && i < max_listed; ++i) text << "\n    " << keys[i];
  if (keys.size() > max_listed) text << "\n    ... and " << keys.size() - max_listed << " more";
  return text.str();
}

StateDict rename_to_diffusers(const StateDict& ldm_tensors, const KeyMapping& mapping, const std::string& origin,
                              const RenameOptions& options) {
  std::set<std::string> known_sources;
  StateDict renamed;
  std::vector<std::string> absent;
  for (const auto& [diffusers_key, ldm_key] : mapping.diffusers_to_ldm) {
    known_sources.insert(ldm_key);
    const auto found = ldm_tensors.find(ldm_key);
    if (found == ldm_tensors.end()) {
      absent.push_back(ldm_key + " (for " + diffusers_key + ")");
      continue;
    }
    auto tensor = mapping.transform ? mapping.transform(diffusers_key, found->second) : found->second;
    if (options.convert_to && tensor.scalar_type() != *options.convert_to) tensor = tensor.to(*options.convert_to);
    renamed.emplace(diffusers_key, std::move(tensor));
  }

  std::vector<std::string> unknown;
  for (const auto& [ldm_key, tensor] : ldm_tensors) {
    if (known_sources.count(ldm_key) == 0 && !is_non_weight_key(ldm_key)) unknown.push_back(ldm_key);
  }
  if (!absent.empty() || !unknown.empty()) {
    std::string message = origin + ": the checkpoint's names do not match the model";
    if (!absent.empty()) message += format_key_list("keys the model needs that the file lacks", absent);
    if (!unknown.empty()) message += format_key_list("keys in the file that the model does not know", unknown);
    throw CheckpointError(message);
  }
  return renamed;
}

}  // namespace backdrop::models
