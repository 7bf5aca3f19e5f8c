#pragma once
// Seeded noise that matches PyTorch's CPU generator: the same seed gives the same tensor as
// `torch.randn(shape, generator=torch.Generator("cpu").manual_seed(seed))`, on any device.
//
// Noise is always drawn on the CPU in float32 (the stream diffusers' `randn_tensor` draws for
// float32 pipelines) and then moved and cast, so a seed means the same image on CPU and CUDA.
// Only the low 32 bits of a seed count (MT19937's `init_genrand`), as in PyTorch.

#include <cstdint>

#include <ATen/core/Generator.h>
#include <torch/types.h>

namespace backdrop::models {

class RandomGenerator {
 public:
  explicit RandomGenerator(uint64_t seed);
  // One object, one stream: a copy would share (and advance) the same state, so it is move-only.
  RandomGenerator(const RandomGenerator&) = delete;
  RandomGenerator& operator=(const RandomGenerator&) = delete;
  RandomGenerator(RandomGenerator&&) = default;
  RandomGenerator& operator=(RandomGenerator&&) = default;

  // Restarts the stream, as `Generator.manual_seed(seed)` (also forgets a cached normal value).
  void manual_seed(uint64_t seed);
  uint64_t initial_seed() const { return seed_; }

  // Standard normal / uniform [0, 1) values, drawn in float32 on the CPU, then moved to
  // `device` and cast to `dtype`. Consecutive calls continue one stream.
  torch::Tensor randn(at::IntArrayRef shape, torch::Device device = torch::kCPU,
                      torch::ScalarType dtype = torch::kFloat32);
  torch::Tensor rand(at::IntArrayRef shape, torch::Device device = torch::kCPU,
                     torch::ScalarType dtype = torch::kFloat32);

  // The underlying generator, for ATen functions that take one.
  at::Generator& generator() { return generator_; }

 private:
  at::Generator generator_;
  uint64_t seed_;
};

}  // namespace backdrop::models
