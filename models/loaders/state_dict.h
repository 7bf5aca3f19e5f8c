#pragma once
// Copies named tensors into a torch::nn::Module whose parameter and buffer names follow diffusers /
// transformers (the names `named_parameters()` reports). Every defect is collected first and
// reported in one error: missing keys, unexpected keys and wrong shapes, with the file they came from.

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <torch/nn/module.h>

#include "models/loaders/torch_tensors.h"

namespace backdrop::models {

class StateDictError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LoadOptions {
  // Keys in the checkpoint that are not weights of the module and are skipped silently
  // (position_ids buffers, diffusion schedule buffers, EMA copies ...).
  std::function<bool(const std::string&)> ignore_key = [](const std::string&) { return false; };
  // Copies are converted to the parameter's dtype and device (fp16 files into fp32 modules ...).
  bool allow_dtype_conversion = true;
};

// Names and shapes of every parameter and persistent buffer, as a checkpoint would store them.
std::vector<std::pair<std::string, std::vector<int64_t>>> module_inventory(const torch::nn::Module& module);

// Copies `tensors` into `module`; throws StateDictError listing every missing, unexpected or
// wrongly shaped key (`origin` names the file or folder in the message).
void load_state_dict(torch::nn::Module& module, const StateDict& tensors, const std::string& origin,
                     const LoadOptions& options = {});

}  // namespace backdrop::models
