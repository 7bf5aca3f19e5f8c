// A whole ControlNet + classifier-free-guidance text-to-image generation with full-size SD 1.5
// models (random weights, so the image is noise but every operation is real), split by component.
//   bench_models_pipeline [--size 256|512 ...] [--steps 20] [--threads N]
// The tokenizer comes from the diffusion fixture folder (BACKDROP_FIXTURES, default
// ../shared/fixtures/diffusion), whose vocabulary is CLIP's.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "models/pipelines/controlnet_text_to_image.h"
#include "models/pipelines/sd15_defaults.h"
#include "models/runtime/runtime.h"
#include "models/unets/unet_config.h"
#include "models/controlnets/controlnet_config.h"

namespace {

using namespace backdrop::models;
using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point from, Clock::time_point to) { return std::chrono::duration<double>(to - from).count(); }

StableDiffusionComponents full_size_components(const std::string& fixtures) {
  StableDiffusionComponents components;
  components.tokenizer = std::make_shared<const ClipTokenizer>(ClipTokenizer::from_folder(fixtures + "/clip_vocab"));
  components.text_encoder = ClipTextModel(ClipTextConfig::from_json(sd15_text_encoder_config(), "sd15"));
  components.unet = UNet2DConditionModel(parse_unet_config(sd15_unet_config(), "sd15"));
  components.vae = AutoencoderKL(AutoencoderKLConfig::from_json(sd15_vae_config(), "sd15"));
  components.scheduler_config = sd15_scheduler_config();
  components.text_encoder->eval();
  components.unet->eval();
  components.vae->eval();
  return components;
}

// Seconds spent in each component, from the pipeline's trace points.
struct ComponentTimes {
  double controlnet = 0, unet = 0, scheduler = 0;
};

void run(int64_t size, int64_t steps, const StableDiffusionComponents& components, const ControlNetModel& controlnet) {
  const ControlNetTextToImagePipeline pipeline(components, controlnet);
  TextToImageInputs inputs;
  inputs.parameters.prompts = {"a leather handbag on a marble table, soft studio light"};
  inputs.parameters.negative_prompts = {"blurry, low quality"};
  inputs.parameters.width = size;
  inputs.parameters.height = size;
  inputs.parameters.num_inference_steps = steps;
  inputs.control_image = torch::rand({1, 3, size, size});

  ComponentTimes times;
  Clock::time_point mark;
  Clock::time_point first_step;
  Clock::time_point last_step;
  RunControl control;
  // Trace points per step: unet_input, controlnet_down.{j}..., controlnet_mid, unet_out, noise_pred,
  // latents. Each component's time runs from the point before it to the point after it.
  control.trace = [&](std::string_view name, const torch::Tensor&) {
    const auto now = Clock::now();
    if (name.ends_with(".unet_input")) {
      if (name == "step0.unet_input") first_step = now;
      mark = now;
    } else if (name.ends_with(".controlnet_mid")) {
      times.controlnet += seconds(mark, now);
      mark = now;
    } else if (name.ends_with(".unet_out")) {
      times.unet += seconds(mark, now);
      mark = now;
    } else if (name.ends_with(".latents")) {
      times.scheduler += seconds(mark, now);
      last_step = now;
    }
  };
  const auto start = Clock::now();
  pipeline(inputs, control);
  const auto end = Clock::now();
  std::printf("%lldx%lld, %lld steps, ControlNet + CFG (batch 2), threads %d:\n", static_cast<long long>(size),
              static_cast<long long>(size), static_cast<long long>(steps), thread_count());
  std::printf("  text encoding + setup  %8.1f s\n", seconds(start, first_step));
  std::printf("  ControlNet             %8.1f s  (%.2f s/step)\n", times.controlnet, times.controlnet / steps);
  std::printf("  UNet                   %8.1f s  (%.2f s/step)\n", times.unet, times.unet / steps);
  std::printf("  scheduler + guidance   %8.1f s\n", times.scheduler);
  std::printf("  VAE decode             %8.1f s\n", seconds(last_step, end));
  std::printf("  total                  %8.1f s\n", seconds(start, end));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int64_t> sizes;
  int64_t steps = 20;
  int threads = default_thread_count();
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string option = argv[i];
    if (option == "--size") sizes.push_back(std::stoll(argv[i + 1]));
    else if (option == "--steps") steps = std::stoll(argv[i + 1]);
    else if (option == "--threads") threads = std::stoi(argv[i + 1]);
  }
  if (sizes.empty()) sizes = {256, 512};
  set_thread_count(threads);
  const char* fixtures = std::getenv("BACKDROP_FIXTURES");
  torch::NoGradGuard no_grad;
  const auto build_start = Clock::now();
  const auto components = full_size_components(fixtures != nullptr ? fixtures : "../shared/fixtures/diffusion");
  ControlNetModel controlnet(parse_controlnet_config(sd15_controlnet_config(), "sd15"));
  controlnet->eval();
  std::printf("built full-size SD 1.5 + ControlNet (random weights) in %.1f s\n", seconds(build_start, Clock::now()));
  for (const auto size : sizes) run(size, steps, components, controlnet);
  return 0;
}
