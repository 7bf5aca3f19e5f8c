#include "models/runtime/random.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

namespace backdrop::models {

namespace {

torch::TensorOptions cpu_float32() { return torch::TensorOptions().dtype(torch::kFloat32).device(torch::kCPU); }

torch::Tensor to_target(torch::Tensor drawn, torch::Device device, torch::ScalarType dtype) {
  if (device.is_cpu() && dtype == torch::kFloat32) return drawn;
  return drawn.to(device, dtype);
}

}  // namespace

RandomGenerator::RandomGenerator(uint64_t seed)
    : generator_(at::detail::createCPUGenerator(seed)), seed_(seed) {}

void RandomGenerator::manual_seed(uint64_t seed) {
  std::lock_guard<std::mutex> lock(generator_.mutex());
  generator_.set_current_seed(seed);
  seed_ = seed;
}

torch::Tensor RandomGenerator::randn(at::IntArrayRef shape, torch::Device device, torch::ScalarType dtype) {
  return to_target(torch::randn(shape, generator_, cpu_float32()), device, dtype);
}

torch::Tensor RandomGenerator::rand(at::IntArrayRef shape, torch::Device device, torch::ScalarType dtype) {
  return to_target(torch::rand(shape, generator_, cpu_float32()), device, dtype);
}

}  // namespace backdrop::models
