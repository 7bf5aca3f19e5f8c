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

std::string torch_version();

}  // namespace backdrop::models
