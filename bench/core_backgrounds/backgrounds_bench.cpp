// Per-variant time of a diffusion background at ad sizes, split into preparation, encoding,
// denoising, decoding and scoring: full-size SD 1.5 UNet (9-channel inpainting), ControlNet, VAE
// and text encoder with random weights (the arithmetic is that of real weights), CPU float32.
//
//   bench_core_backgrounds [--sizes 512,1080] [--steps 2] [--target-steps 20] [--threads 2]
//
// A 20-step run at 1080x1080 takes many minutes on a small CPU, so the program runs `--steps`
// steps and extrapolates denoising linearly to `--target-steps` (the per-step cost is constant for
// DDIM); it prints both. Tokenizer vocabulary: BACKDROP_FIXTURES/clip_vocab.

#include <chrono>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <sys/resource.h>

#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include "core/backgrounds/artifact_score.h"
#include "core/backgrounds/background_diffusion.h"
#include "core/imaging/plain_background_segmenter.h"
#include "models/pipelines/sd15_defaults.h"
#include "models/runtime/runtime.h"
#include "models/unets/unet_config.h"
#include "models/controlnets/controlnet_config.h"

using namespace backdrop;
using namespace backdrop::backgrounds;

namespace {

struct Options {
  std::vector<int> sizes{512, 1080};
  int steps = 2;
  int target_steps = 20;
  int threads = 2;
};

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--sizes") {
      options.sizes.clear();
      std::stringstream stream(value);
      for (std::string item; std::getline(stream, item, ',');) options.sizes.push_back(std::stoi(item));
    } else if (flag == "--steps") {
      options.steps = std::stoi(value);
    } else if (flag == "--target-steps") {
      options.target_steps = std::stoi(value);
    } else if (flag == "--threads") {
      options.threads = std::stoi(value);
    } else {
      throw std::invalid_argument("unknown option " + flag);
    }
  }
  return options;
}

models::StableDiffusionComponents full_size_components() {
  const char* env = std::getenv("BACKDROP_FIXTURES");
  const std::filesystem::path fixtures = env != nullptr && *env != '\0' ? env : BACKDROP_DEFAULT_FIXTURES;
  models::StableDiffusionComponents components;
  components.tokenizer = std::make_shared<const models::ClipTokenizer>(
      models::ClipTokenizer::from_folder(fixtures / "clip_vocab"));
  components.text_encoder =
      models::ClipTextModel(models::ClipTextConfig::from_json(models::sd15_text_encoder_config(), "SD 1.5"));
  auto unet_config = models::sd15_unet_config();
  unet_config["in_channels"] = 9;  // an inpainting checkpoint
  components.unet = models::UNet2DConditionModel(models::parse_unet_config(unet_config, "SD 1.5 inpainting"));
  components.vae = models::AutoencoderKL(models::AutoencoderKLConfig::from_json(models::sd15_vae_config(), "SD 1.5"));
  components.scheduler_config = models::sd15_scheduler_config();
  components.scheduler_config["_class_name"] = "DDIMScheduler";
  components.text_encoder->eval();
  components.unet->eval();
  components.vae->eval();
  return components;
}

// A product photo on a plain backdrop, cut out and placed on a size x size canvas.
imaging::PlacedProduct placed_product(int size) {
  cv::Mat photo(900, 700, CV_8UC3, cv::Scalar(238, 238, 238));
  cv::rectangle(photo, cv::Rect(250, 200, 200, 560), cv::Scalar(60, 140, 200), cv::FILLED);
  cv::rectangle(photo, cv::Rect(300, 110, 100, 100), cv::Scalar(60, 140, 200), cv::FILLED);
  const auto segmentation = imaging::PlainBackgroundSegmenter().segment(photo);
  return imaging::place_product(photo, segmentation, {"bench", size, size}, imaging::LayoutRule{});
}

// User + system CPU seconds of this process so far. On a shared machine the wall-clock rows grow
// with the load; CPU seconds divided by the thread count estimate the wall time on idle cores.
double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double one_minute_load() {
  double load[1] = {0.0};
  return getloadavg(load, 1) == 1 ? load[0] : -1.0;
}

void print_row(const std::string& label, double seconds) {
  std::cout << "  " << std::left << std::setw(36) << label << std::right << std::fixed << std::setprecision(2)
            << std::setw(9) << seconds << " s" << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const auto options = parse(argc, argv);
    models::set_thread_count(options.threads);
    std::cout << "bench_core_backgrounds: CPU float32, " << models::thread_count() << " threads, full-size SD 1.5 "
              << "inpainting UNet + ControlNet + VAE + text encoder (random weights), DDIM, guidance 7.5, "
              << options.steps << " steps run, extrapolated to " << options.target_steps << std::endl;
    auto components = full_size_components();
    models::ControlNetModel controlnet(
        models::parse_controlnet_config(models::sd15_controlnet_config(), "SD 1.5 ControlNet"));
    controlnet->eval();
    DiffusionSettings settings;
    settings.steps = options.steps;
    const auto generator = make_diffusion_generator(components, controlnet, settings);
    const imaging::PlainBackgroundSegmenter segmenter;

    for (const int size : options.sizes) {
      const double cpu_start = process_cpu_seconds();
      const double load_start = one_minute_load();
      const auto placed = placed_product(size);
      BackgroundRequest request;
      request.placed = &placed;
      request.prompt = "a glass bottle on a marble table, soft studio light";
      request.negative_prompt = "blurry, deformed";
      request.seed = 1;
      const auto generated = generator->generate(request, {});
      const auto score_start = std::chrono::steady_clock::now();
      score_artifacts(generated.generated, placed.mask, segmenter);
      const double scoring =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - score_start).count();
      const double cpu_seconds = process_cpu_seconds() - cpu_start;
      const auto& t = generated.times;
      const double per_step = t.denoising / options.steps;
      const double denoising_target = per_step * options.target_steps;
      std::cout << size << "x" << size << " (latent " << (size + 4) / 8 << "x" << (size + 4) / 8 << "):" << std::endl;
      print_row("preparation", t.preparation);
      print_row("encoding (text + VAE encoder x2)", t.encoding);
      print_row("denoising, " + std::to_string(options.steps) + " steps measured", t.denoising);
      print_row("  per step", per_step);
      print_row("denoising, " + std::to_string(options.target_steps) + " steps (extrapolated)", denoising_target);
      print_row("decoding", t.decoding);
      print_row("scoring", scoring);
      print_row("total per variant, " + std::to_string(options.target_steps) + " steps (extrapolated)",
                t.preparation + t.encoding + denoising_target + t.decoding + scoring);
      std::cout << "  process CPU time for this size " << std::fixed << std::setprecision(1) << cpu_seconds
                << " s (" << options.steps << " steps); load average " << std::setprecision(2) << load_start
                << " at start, " << one_minute_load() << " at end" << std::endl;
    }
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "bench_core_backgrounds: " << error.what() << "\n";
    return 1;
  }
}
