#include "models/runtime/runtime.h"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

namespace backdrop::models {

int default_thread_count() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<int>(cores);
}

void set_thread_count(int threads) {
  if (threads < 1) throw std::invalid_argument("thread count must be at least 1, got " + std::to_string(threads));
  at::set_num_threads(threads);
}

int thread_count() { return at::get_num_threads(); }

bool cuda_available() { return torch::cuda::is_available(); }

torch::Device parse_device(const std::string& name) {
  if (name == "auto") return cuda_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  torch::Device device(torch::kCPU);
  try {
    device = torch::Device(name);
  } catch (const std::exception&) {
    throw std::invalid_argument("unknown device '" + name + "' (use auto, cpu, cuda or cuda:N)");
  }
  if (device.is_cuda() && !cuda_available()) {
    throw std::invalid_argument("device '" + name + "' requested, but this libtorch has no usable CUDA device");
  }
  if (!device.is_cpu() && !device.is_cuda()) {
    throw std::invalid_argument("device '" + name + "' is not supported (use cpu or cuda)");
  }
  return device;
}

bool cpu_has_native_bf16() {
  // The kernel lists what the CPU (and the hypervisor) expose; read once.
  static const bool native = [] {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line)) {
      if (line.rfind("flags", 0) != 0) continue;
      std::istringstream flags(line.substr(line.find(':') + 1));
      for (std::string flag; flags >> flag;) {
        if (flag == "avx512_bf16" || flag == "amx_bf16") return true;
      }
      return false;
    }
    return false;
  }();
  return native;
}

torch::ScalarType parse_compute_dtype(const std::string& name, const torch::Device& device) {
  if (name == "fp32") return torch::kFloat32;
  if (name == "bf16") return torch::kBFloat16;
  if (name == "auto") return device.is_cpu() && cpu_has_native_bf16() ? torch::kBFloat16 : torch::kFloat32;
  throw std::invalid_argument("dtype '" + name + "': expected fp32, bf16 or auto");
}

std::string compute_dtype_name(torch::ScalarType dtype) {
  if (dtype == torch::kFloat32) return "fp32";
  if (dtype == torch::kBFloat16) return "bf16";
  return c10::toString(dtype);
}

std::string device_description(const torch::Device& device) {
  if (device.is_cpu()) return "cpu";
  return "cuda:" + std::to_string(device.has_index() ? device.index() : 0);
}

std::string torch_version() { return TORCH_VERSION; }

}  // namespace backdrop::models
