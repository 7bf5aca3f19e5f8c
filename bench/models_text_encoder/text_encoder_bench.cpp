// Times the full-size SD 1.5 text encoder (CLIP ViT-L/14 text tower, random weights) on a
// [2, 77] batch, the shape of one prompt with its negative prompt, on the CPU in float32.
//
//   bench_models_text_encoder [threads] [runs] [config.json]
//
// threads defaults to every core; config.json (a CLIPTextConfig, or sd15_configs.json) defaults to
// SD 1.5's text encoder. On a loaded machine OpenMP's spinning threads slow multi-threaded runs
// badly (OMP_WAIT_POLICY=PASSIVE helps); the load average is printed to read the numbers by.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "models/runtime/runtime.h"
#include "models/text_encoders/clip_text_model.h"

using namespace backdrop::models;

namespace {

// openai/clip-vit-large-patch14's text config, as SD 1.5's text_encoder/config.json has it.
ClipTextConfig sd15_text_encoder() {
  return ClipTextConfig::from_json(nlohmann::json{{"vocab_size", 49408},
                                                  {"hidden_size", 768},
                                                  {"intermediate_size", 3072},
                                                  {"num_hidden_layers", 12},
                                                  {"num_attention_heads", 12},
                                                  {"max_position_embeddings", 77},
                                                  {"hidden_act", "quick_gelu"},
                                                  {"layer_norm_eps", 1e-5},
                                                  {"eos_token_id", 2}},
                                   "SD 1.5 text encoder");
}

// The 1-minute load average where the system reports it (Linux), else empty.
std::string load_average() {
  std::ifstream file("/proc/loadavg");
  std::string one_minute;
  file >> one_minute;
  return one_minute;
}

double milliseconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const int threads = argc > 1 ? std::stoi(argv[1]) : default_thread_count();
    const int runs = argc > 2 ? std::stoi(argv[2]) : 10;
    const auto config = argc > 3 ? ClipTextConfig::from_file(argv[3]) : sd15_text_encoder();
    set_thread_count(threads);

    torch::manual_seed(0);
    ClipTextModel model{nullptr};
    {
      torch::NoGradGuard no_grad;
      model = ClipTextModel(config);
    }
    model->eval();
    const auto ids = torch::randint(0, config.vocab_size, {2, config.max_position_embeddings}, torch::kInt64);

    model->encode(ids);  // warm-up: first-touch of the weights, allocator
    std::vector<double> times;
    for (int run = 0; run < runs; ++run) {
      const auto start = std::chrono::steady_clock::now();
      const auto out = model->encode(ids);
      times.push_back(milliseconds_since(start));
      if (out.size(0) != 2) return 1;
    }
    std::sort(times.begin(), times.end());
    const double median = times.size() % 2 == 1 ? times[times.size() / 2]
                                                : 0.5 * (times[times.size() / 2 - 1] + times[times.size() / 2]);
    std::printf("text encoder %lld layers, hidden %lld, input [2, %lld], CPU float32, %d threads (at::get_num_threads)\n",
                static_cast<long long>(config.num_hidden_layers), static_cast<long long>(config.hidden_size),
                static_cast<long long>(config.max_position_embeddings), thread_count());
    if (const auto load = load_average(); !load.empty()) std::printf("load average (1 min) %s\n", load.c_str());
    std::printf("runs %d: min %.1f ms, median %.1f ms, max %.1f ms\n", runs, times.front(), median, times.back());
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "bench_models_text_encoder: " << error.what() << "\n";
    return 1;
  }
}
