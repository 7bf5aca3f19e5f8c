#include "models/loaders/torch_tensors.h"

#include <torch/torch.h>

namespace backdrop::models {

c10::ScalarType to_scalar_type(DType dtype) {
  switch (dtype) {
    case DType::F64: return torch::kFloat64;
    case DType::F32: return torch::kFloat32;
    case DType::F16: return torch::kFloat16;
    case DType::BF16: return torch::kBFloat16;
    case DType::I64: return torch::kInt64;
    case DType::I32: return torch::kInt32;
    case DType::I16: return torch::kInt16;
    case DType::I8: return torch::kInt8;
    case DType::U8: return torch::kUInt8;
    case DType::BOOL: return torch::kBool;
  }
  throw SafetensorsError("unknown dtype");
}

DType from_scalar_type(c10::ScalarType type) {
  switch (type) {
    case torch::kFloat64: return DType::F64;
    case torch::kFloat32: return DType::F32;
    case torch::kFloat16: return DType::F16;
    case torch::kBFloat16: return DType::BF16;
    case torch::kInt64: return DType::I64;
    case torch::kInt32: return DType::I32;
    case torch::kInt16: return DType::I16;
    case torch::kInt8: return DType::I8;
    case torch::kUInt8: return DType::U8;
    case torch::kBool: return DType::BOOL;
    default: throw SafetensorsError(std::string("dtype ") + c10::toString(type) + " has no safetensors name");
  }
}

torch::Tensor to_torch(const TensorView& view, const std::shared_ptr<const SafetensorsFile>& owner,
                       std::optional<c10::ScalarType> convert_to) {
  const auto type = to_scalar_type(view.dtype);
  auto options = torch::TensorOptions().dtype(type);
  if (view.bytes.empty()) return torch::empty(view.shape, options);

  auto* data = const_cast<std::byte*>(view.bytes.data());
  const bool aligned = reinterpret_cast<std::uintptr_t>(data) % dtype_size(view.dtype) == 0;
  torch::Tensor tensor;
  if (aligned) {
    auto keep_alive = owner;  // the deleter owns a reference to the mapping
    tensor = torch::from_blob(data, view.shape, [keep_alive](void*) {}, options);
  } else {
    tensor = torch::empty(view.shape, options);
    std::memcpy(tensor.data_ptr(), data, view.bytes.size());
  }
  if (convert_to && *convert_to != type) return tensor.to(*convert_to);
  return tensor;
}

StateDict load_safetensors(const std::filesystem::path& path, std::optional<c10::ScalarType> convert_to) {
  const auto file = SafetensorsFile::open(path);
  StateDict result;
  for (const auto& [name, view] : file->tensors()) result.emplace(name, to_torch(view, file, convert_to));
  return result;
}

void save_safetensors(const std::filesystem::path& path, const StateDict& tensors,
                      const std::map<std::string, std::string>& metadata) {
  std::vector<torch::Tensor> contiguous;
  std::vector<TensorToWrite> to_write;
  contiguous.reserve(tensors.size());
  for (const auto& [name, tensor] : tensors) {
    contiguous.push_back(tensor.detach().to(torch::kCPU).contiguous());
    const auto& data = contiguous.back();
    to_write.push_back({name, from_scalar_type(data.scalar_type()),
                        std::vector<int64_t>(data.sizes().begin(), data.sizes().end()),
                        std::span<const std::byte>(static_cast<const std::byte*>(data.data_ptr()),
                                                   static_cast<std::size_t>(data.nbytes()))});
  }
  write_safetensors(path, to_write, metadata);
}

}  // namespace backdrop::models
