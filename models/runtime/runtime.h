#pragma once
// Where and how the engine runs: device choice and CPU thread count.

#include <string>

#include <torch/types.h>

namespace backdrop::models {

// libtorch 1.13 runs on one thread unless told; Backdrop defaults to every core.
int default_thread_count();
void set_thread_count(int threads);
int thread_count();

bool cuda_available();
// "auto" (CUDA when present, else CPU), "cpu", "cuda" or "cuda:N"; throws std::invalid_argument
// naming the value when it is not a device this libtorch can use.
torch::Device parse_device(const std::string& name);
std::string device_description(const torch::Device& device);

// Whether this CPU computes bfloat16 natively (AVX512-BF16 or AMX-BF16), where bf16 runs the
// UNet about twice as fast as fp32; elsewhere bf16 is emulated and slower.
bool cpu_has_native_bf16();
// "fp32", "bf16" or "auto" (bf16 on a CPU with native bf16, fp32 otherwise, CUDA included): the
// dtype the models compute in. Throws std::invalid_argument naming the value otherwise.
torch::ScalarType parse_compute_dtype(const std::string& name, const torch::Device& device);
// "fp32" or "bf16" (or libtorch's name of another dtype).
std::string compute_dtype_name(torch::ScalarType dtype);

std::string torch_version();

}  // namespace backdrop::models
