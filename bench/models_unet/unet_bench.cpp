// One ControlNet + classifier-free-guidance denoising step of SD 1.5 at full size: the UNet at
// batch 2 on [2, 4, S, S] latents with a [2, 77, 768] context, and the ControlNet at batch 2 with a
// [2, 3, 8S, 8S] control image. Random weights (the arithmetic does not depend on them).
//
//   bench_models_unet [--latent 64] [--runs 3] [--threads 2] [--device cpu|cuda] [--dtype fp32|bf16|fp16]
//                     [--step] [--breakdown]
//
// Prints min and median seconds per call and the peak resident memory; --step also times the two
// calls back to back with the residuals passed on; --breakdown instead times one transformer and
// one resnet block per level (where the time goes) without building the whole models.

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "models/controlnets/controlnet.h"
#include "models/layers/resnet.h"
#include "models/layers/transformer_2d.h"
#include "models/runtime/runtime.h"
#include "models/unets/unet_2d_condition.h"

using namespace backdrop::models;

namespace {

struct Options {
  int64_t latent = 64;
  int runs = 3;
  int threads = 2;
  std::string device = "cpu";
  std::string dtype = "fp32";
  bool breakdown = false;
  bool step = false;
};

Options parse_arguments(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value");
      return argv[++i];
    };
    if (flag == "--latent")
      options.latent = std::stoll(next());
    else if (flag == "--runs")
      options.runs = std::stoi(next());
    else if (flag == "--threads")
      options.threads = std::stoi(next());
    else if (flag == "--device")
      options.device = next();
    else if (flag == "--dtype")
      options.dtype = next();
    else if (flag == "--breakdown")
      options.breakdown = true;
    else if (flag == "--step")
      options.step = true;
    else
      throw std::invalid_argument("unknown argument " + flag);
  }
  return options;
}

c10::ScalarType parse_dtype(const std::string& name) {
  if (name == "fp32") return torch::kFloat32;
  if (name == "bf16") return torch::kBFloat16;
  if (name == "fp16") return torch::kFloat16;
  throw std::invalid_argument("--dtype must be fp32, bf16 or fp16");
}

// User + system CPU seconds of this process: on a shared machine, wall time measures the other
// tenants too; CPU time over the thread count estimates the wall time the machine alone would give.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& value) {
    return static_cast<double>(value.tv_sec) + 1e-6 * static_cast<double>(value.tv_usec);
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double peak_rss_gib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0);  // ru_maxrss is in KiB
}

void synchronize(const torch::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize();
}

// Runs `body` `runs` times, prints min and median seconds and returns the minimum.
double time_it(const std::string& label, int runs, const torch::Device& device, const std::function<void()>& body) {
  std::vector<double> seconds;
  std::vector<double> cpu;
  for (int run = 0; run < runs; ++run) {
    synchronize(device);
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_seconds();
    body();
    synchronize(device);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    cpu.push_back(cpu_seconds() - cpu_start);
  }
  std::sort(seconds.begin(), seconds.end());
  std::sort(cpu.begin(), cpu.end());
  std::cout << std::left << std::setw(34) << label << std::fixed << std::setprecision(3) << " min " << seconds.front()
            << " s   median " << seconds[seconds.size() / 2] << " s   (" << runs << " runs)   CPU min " << cpu.front()
            << " s   peak RSS " << std::setprecision(2) << peak_rss_gib() << " GiB" << std::endl;
  return seconds.front();
}

nlohmann::json sd15_configs() {
  const char* env = std::getenv("BACKDROP_FIXTURES");
  const std::filesystem::path folder = env != nullptr && *env != '\0' ? env : BACKDROP_DEFAULT_FIXTURES;
  return read_unet_config_json(folder / "sd15_configs.json");
}

// One transformer and one resnet per level at the latent's resolution there: where the time goes.
void breakdown(const UNet2DConditionConfig& config, const Options& options, const torch::TensorOptions& tensor) {
  const auto& encoder = config.encoder;
  const auto context = torch::randn({2, 77, encoder.cross_attention_dim.front()}, tensor);
  const auto temb = torch::randn({2, encoder.time_embed_dim()}, tensor);
  int64_t size = options.latent;
  for (int64_t level = 0; level < encoder.levels(); ++level, size /= 2) {
    const int64_t channels = encoder.block_out_channels[level];
    const auto input = torch::randn({2, channels, size, size}, tensor);
    ResnetBlock2DOptions resnet_options;
    resnet_options.in_channels = channels;
    resnet_options.temb_channels = encoder.time_embed_dim();
    resnet_options.eps = encoder.norm_eps;
    ResnetBlock2D resnet(resnet_options);
    resnet->to(tensor.device(), tensor.dtype().toScalarType());
    time_it("  resnet     level " + std::to_string(level) + " (" + std::to_string(size) + "^2)", options.runs,
            tensor.device(), [&] { resnet(input, temb); });

    Transformer2DOptions transformer_options;
    transformer_options.in_channels = channels;
    transformer_options.heads = encoder.attention_heads[level];
    transformer_options.dim_head = channels / encoder.attention_heads[level];
    transformer_options.cross_attention_dim = encoder.cross_attention_dim[level];
    Transformer2DModel transformer(transformer_options);
    transformer->to(tensor.device(), tensor.dtype().toScalarType());
    time_it("  transformer level " + std::to_string(level) + " (" + std::to_string(size) + "^2)", options.runs,
            tensor.device(), [&] { transformer(input, context); });
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse_arguments(argc, argv);
    set_thread_count(options.threads);
    const torch::Device device = parse_device(options.device);
    const auto dtype = parse_dtype(options.dtype);
    const auto tensor = torch::TensorOptions().device(device).dtype(dtype);
    std::cout << "libtorch " << torch_version() << ", " << device_description(device) << ", " << options.dtype << ", "
              << thread_count() << " threads, latent " << options.latent << "x" << options.latent << " (image "
              << 8 * options.latent << "x" << 8 * options.latent << "), batch 2, attention kernel "
              << (has_native_sdpa() ? "at::scaled_dot_product_attention" : "blocked") << std::endl;
    double load[1] = {0.0};
    if (getloadavg(load, 1) == 1) std::cout << "load average at start: " << load[0] << std::endl;

    const auto configs = sd15_configs();
    const auto unet_config = parse_unet_config(configs.at("unet"), "sd15_configs.json:unet");
    const auto controlnet_config = parse_controlnet_config(configs.at("controlnet"), "sd15_configs.json:controlnet");
    torch::InferenceMode inference;
    if (options.breakdown) {
      std::cout << "per block (one of each per level, batch 2):" << std::endl;
      breakdown(unet_config, options, tensor);
      return 0;
    }

    UNet2DConditionModel unet(unet_config);
    unet->to(device, dtype);
    ControlNetModel controlnet(controlnet_config);
    controlnet->to(device, dtype);
    std::cout << "models built, peak RSS " << std::setprecision(2) << std::fixed << peak_rss_gib() << " GiB"
              << std::endl;

    const auto latents = torch::randn({2, 4, options.latent, options.latent}, tensor);
    const auto context = torch::randn({2, 77, 768}, tensor);
    const auto control_image = torch::rand({2, 3, 8 * options.latent, 8 * options.latent}, tensor);
    const auto timestep = torch::tensor(981, torch::TensorOptions().dtype(torch::kInt64).device(device));

    const double unet_seconds =
        time_it("UNet forward", options.runs, device, [&] { unet(latents, timestep, context); });
    const double controlnet_seconds = time_it("ControlNet forward", options.runs, device,
                                              [&] { controlnet(latents, timestep, context, control_image, 1.0); });
    std::cout << "one ControlNet + CFG step (sum of the minima): " << std::setprecision(3)
              << unet_seconds + controlnet_seconds << " s" << std::endl;
    if (options.step) {
      time_it("ControlNet + UNet (one CFG step)", options.runs, device, [&] {
        const auto residuals = controlnet(latents, timestep, context, control_image, 1.0);
        unet(latents, timestep, context, &residuals);
      });
    }
  } catch (const std::exception& error) {
    std::cerr << "bench_models_unet: " << error.what() << std::endl;
    return 1;
  }
  return 0;
}
