#include "models/loaders/state_dict.h"

#include <map>
#include <sstream>

#include <torch/torch.h>

namespace backdrop::models {
namespace {

std::map<std::string, torch::Tensor> module_tensors(const torch::nn::Module& module) {
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& item : module.named_parameters(/*recurse=*/true)) tensors.emplace(item.key(), item.value());
  for (const auto& item : module.named_buffers(/*recurse=*/true)) tensors.emplace(item.key(), item.value());
  return tensors;
}

std::string shape_text(c10::IntArrayRef shape) {
  std::ostringstream text;
  text << shape;
  return text.str();
}

// At most this many names per category in the message; the count is always complete.
constexpr std::size_t kMaxListed = 20;

void append_list(std::ostringstream& message, const std::string& title, const std::vector<std::string>& items) {
  if (items.empty()) return;
  message << "\n  " << items.size() << " " << title << ":";
  for (std::size_t i = 0; i < items.size() && i < kMaxListed; ++i) message << "\n    " << items[i];
  if (items.size() > kMaxListed) message << "\n    ... and " << items.size() - kMaxListed << " more";
}

}  // namespace

std::vector<std::pair<std::string, std::vector<int64_t>>> module_inventory(const torch::nn::Module& module) {
  std::vector<std::pair<std::string, std::vector<int64_t>>> inventory;
  for (const auto& [name, tensor] : module_tensors(module)) {
    inventory.emplace_back(name, std::vector<int64_t>(tensor.sizes().begin(), tensor.sizes().end()));
  }
  return inventory;
}

void load_state_dict(torch::nn::Module& module, const StateDict& tensors, const std::string& origin,
                     const LoadOptions& options) {
  auto targets = module_tensors(module);
  std::vector<std::string> missing;
  std::vector<std::string> unexpected;
  std::vector<std::string> wrong_shape;
  std::vector<std::string> wrong_dtype;

  for (const auto& [name, source] : tensors) {
    if (options.ignore_key(name)) continue;
    const auto target = targets.find(name);
    if (target == targets.end()) {
      unexpected.push_back(name);
    } else if (!source.sizes().equals(target->second.sizes())) {
      wrong_shape.push_back(name + ": checkpoint " + shape_text(source.sizes()) + ", model " +
                            shape_text(target->second.sizes()));
    } else if (!options.allow_dtype_conversion && source.scalar_type() != target->second.scalar_type()) {
      wrong_dtype.push_back(name);
    }
  }
  for (const auto& [name, target] : targets) {
    if (tensors.count(name) == 0) missing.push_back(name);
  }
  if (!missing.empty() || !unexpected.empty() || !wrong_shape.empty() || !wrong_dtype.empty()) {
    std::ostringstream message;
    message << origin << ": checkpoint does not match the model";
    append_list(message, "missing keys", missing);
    append_list(message, "unexpected keys", unexpected);
    append_list(message, "keys with the wrong shape", wrong_shape);
    append_list(message, "keys with the wrong dtype", wrong_dtype);
    throw StateDictError(message.str());
  }

  torch::NoGradGuard no_grad;
  for (auto& [name, target] : targets) target.copy_(tensors.at(name));
}

}  // namespace backdrop::models
