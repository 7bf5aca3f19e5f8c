// bench_models_vae [mode] [--threads N] [--runs N]
//
// Modes (each measured in its own process, so that its peak RSS is its own):
//   decode512   decode of a [1, 4, 64, 64] latent (a 512x512 image): min / median time of the runs
//   tiled1080   tiled decode of a [1, 4, 135, 240] latent (a 1920x1080 image), default tiles
//   full1080    untiled decode of the same latent
// Without a mode, runs all three as child processes. The VAE is the full-size SD 1.5 one from
// sd15_configs.json (BACKDROP_FIXTURES, default ../shared/fixtures/diffusion) with random weights.

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <sys/resource.h>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "models/autoencoders/autoencoder_kl.h"
#include "models/runtime/runtime.h"

using namespace backdrop::models;

namespace {

struct Arguments {
  std::string mode;
  int threads = default_thread_count();
  int runs = 3;
};

Arguments parse(int argc, char** argv) {
  Arguments arguments;
  for (int i = 1; i < argc; ++i) {
    const std::string value = argv[i];
    if (value == "--threads" && i + 1 < argc) {
      arguments.threads = std::stoi(argv[++i]);
    } else if (value == "--runs" && i + 1 < argc) {
      arguments.runs = std::max(1, std::stoi(argv[++i]));
    } else {
      arguments.mode = value;
    }
  }
  return arguments;
}

// The process's peak resident set (VmHWM), in MiB.
double peak_rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // the value is in kB
  }
  return -1.0;
}

double current_rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1.0;
}

AutoencoderKL full_size_vae() {
  const char* fixtures = std::getenv("BACKDROP_FIXTURES");
  const std::string dir = fixtures != nullptr && *fixtures != '\0' ? fixtures : BACKDROP_DEFAULT_FIXTURES;
  std::ifstream stream(dir + "/sd15_configs.json");
  if (!stream) throw std::runtime_error(dir + "/sd15_configs.json: cannot open");
  const auto configs = nlohmann::json::parse(stream);
  torch::manual_seed(0);
  AutoencoderKL vae(AutoencoderKLConfig::from_json(configs.at("vae"), "sd15_configs.json:vae"));
  vae->eval();
  return vae;
}

// User + system CPU time of the whole process, in seconds: on a shared, oversubscribed machine
// this says more about the work done than the wall time does.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& time) { return static_cast<double>(time.tv_sec) + time.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int run_mode(const Arguments& arguments) {
  set_thread_count(arguments.threads);
  torch::InferenceMode inference;
  auto vae = full_size_vae();
  const double weights_rss = current_rss_mib();
  const bool is_1080 = arguments.mode != "decode512";
  const auto latent = is_1080 ? torch::randn({1, 4, 135, 240}) : torch::randn({1, 4, 64, 64});
  const int runs = is_1080 ? 1 : arguments.runs;

  std::vector<double> times;
  std::vector<double> cpu_times;
  torch::Tensor image;
  for (int run = 0; run < runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_seconds();
    image = arguments.mode == "tiled1080" ? vae->tiled_decode(latent) : vae->decode(latent);
    times.push_back(seconds_since(start));
    cpu_times.push_back(cpu_seconds() - cpu_start);
  }
  std::sort(times.begin(), times.end());
  std::sort(cpu_times.begin(), cpu_times.end());
  std::cout << arguments.mode << ": output " << image.sizes() << ", " << thread_count() << " threads, " << runs
            << " run(s): wall min " << times.front() << " s, median " << times[times.size() / 2] << " s; CPU time min "
            << cpu_times.front() << " s, median " << cpu_times[cpu_times.size() / 2] << " s; RSS after building "
            << "the model " << weights_rss << " MiB, peak RSS " << peak_rss_mib() << " MiB\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const auto arguments = parse(argc, argv);
    std::cout << "libtorch " << torch_version() << ", CPU fp32\n" << std::flush;
    if (!arguments.mode.empty()) return run_mode(arguments);
    // Resolved here: inside the child's shell, /proc/self/exe would be the shell.
    const auto self = std::filesystem::read_symlink("/proc/self/exe").string();
    int status = 0;
    for (const char* mode : {"decode512", "tiled1080", "full1080"}) {
      const std::string command = "'" + self + "' " + mode + " --threads " +
                                  std::to_string(arguments.threads) + " --runs " + std::to_string(arguments.runs);
      status |= std::system(command.c_str());
    }
    return status == 0 ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << "bench_models_vae: " << error.what() << "\n";
    return 1;
  }
}
