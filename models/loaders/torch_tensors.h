#pragma once
// torch::Tensor views of safetensors data.

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <torch/types.h>

#include "models/loaders/safetensors.h"

namespace backdrop::models {

c10::ScalarType to_scalar_type(DType dtype);
DType from_scalar_type(c10::ScalarType type);

// A tensor over the file's memory map (no copy when the data is aligned for its dtype); it keeps
// the mapping alive. The mapping is read-only: the result must be copied before it is written to.
// With `convert_to`, the result is a converted copy.
torch::Tensor to_torch(const TensorView& view, const std::shared_ptr<const SafetensorsFile>& owner,
                       std::optional<c10::ScalarType> convert_to = std::nullopt);

using StateDict = std::map<std::string, torch::Tensor>;

// Every tensor of a file as torch tensors (views of the mapping unless `convert_to` is given).
StateDict load_safetensors(const std::filesystem::path& path,
                           std::optional<c10::ScalarType> convert_to = std::nullopt);

// Writes contiguous CPU copies of the tensors (tests, saved states).
void save_safetensors(const std::filesystem::path& path, const StateDict& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace backdrop::models
