// The diffusion background generator: ControlNet inpainting around the placed product.

#include <chrono>
#include <cmath>

#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include "core/backgrounds/background_diffusion.h"
#include "core/backgrounds/tensor_image.h"
#include "core/common/data_files.h"
#include "core/imaging/compositing.h"
#include "models/pipelines/controlnet_inpaint.h"
#include "models/runtime/runtime.h"

namespace backdrop::backgrounds {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// The generation size: the canvas (optionally bounded on its long side) in multiples of 8.
cv::Size working_size(const cv::Size& canvas, int max_side) {
  double scale = 1.0;
  const int long_side = std::max(canvas.width, canvas.height);
  if (max_side > 0 && long_side > max_side) scale = static_cast<double>(max_side) / long_side;
  const auto multiple_of_8 = [&](int side) { return std::max(8, static_cast<int>(std::lround(side * scale / 8.0)) * 8); };
  return {multiple_of_8(canvas.width), multiple_of_8(canvas.height)};
}

double& stage_seconds(StageTimes& times, models::PipelineStage stage) {
  switch (stage) {
    case models::PipelineStage::encoding:
      return times.encoding;
    case models::PipelineStage::denoising:
      return times.denoising;
    case models::PipelineStage::decoding:
      break;
  }
  return times.decoding;
}

cv::Mat resized(const cv::Mat& image, const cv::Size& size, int interpolation) {
  if (image.size() == size) return image;
  cv::Mat out;
  cv::resize(image, out, size, 0, 0, interpolation);
  return out;
}

class DiffusionBackgroundGenerator : public BackgroundGenerator {
 public:
  DiffusionBackgroundGenerator(models::StableDiffusionComponents components, models::ControlNetModel controlnet,
                               const DiffusionSettings& settings)
      : settings_(settings),
        dtype_(models::compute_dtype_name(components.dtype)),
        pipeline_(std::make_unique<models::ControlNetInpaintPipeline>(std::move(components), std::move(controlnet))) {}

  std::string name() const override { return "diffusion"; }
  bool uses_diffusion() const override { return true; }
  DenoisingParameters denoising() const override {
    return {settings_.steps, settings_.scheduler, settings_.guidance_scale, dtype_};
  }
  std::vector<models::LoraSpec> loras() const override { return settings_.loras; }

  GeneratedBackground generate(const BackgroundRequest& request, const StepCallback& on_step) const override {
    const auto start = Clock::now();
    const auto& placed = *request.placed;
    auto reduction = settings_.reduction;
    if (request.edge_thresholds) {
      reduction.edges.low_threshold = request.edge_thresholds->first;
      reduction.edges.high_threshold = request.edge_thresholds->second;
    }
    const auto canvas = make_background_canvas(placed, request.colour, reduction);
    const auto size = working_size(canvas.canvas.size(), settings_.max_side);

    models::InpaintInputs inputs;
    auto& p = inputs.parameters;
    p.prompts = {request.prompt};
    p.negative_prompts = {request.negative_prompt};
    p.num_inference_steps = settings_.steps;
    p.scheduler = settings_.scheduler;
    p.guidance_scale = settings_.guidance_scale;
    p.controlnet_conditioning_scale = settings_.controlnet_scale;
    p.control_guidance_end = settings_.control_guidance_end;
    p.seeds = {request.seed};
    inputs.strength = request.colour ? settings_.colour_strength : 1.0;
    inputs.image = image_to_tensor(resized(canvas.canvas, size, cv::INTER_AREA));
    inputs.mask_image = image_to_tensor(resized(canvas.generate_mask, size, cv::INTER_NEAREST));
    inputs.control_image = image_to_tensor(resized(canvas.control_edges, size, cv::INTER_AREA)).repeat({1, 3, 1, 1});

    // The pipeline reports where its stages end.
    GeneratedBackground out;
    auto stage_start = Clock::now();
    out.times.preparation = seconds_between(start, stage_start);
    models::RunControl control;
    control.on_stage_done = [&](models::PipelineStage stage) {
      const auto now = Clock::now();
      stage_seconds(out.times, stage) = seconds_between(stage_start, now);
      stage_start = now;
    };
    if (on_step) control.on_step = [&](const models::StepProgress& step) { on_step(step.step, step.total); };
    const auto result = (*pipeline_)(inputs, control);

    out.generated = resized(tensor_to_bgr(result.images[0]), canvas.canvas.size(), cv::INTER_CUBIC);
    out.composited = imaging::composite_product(placed, out.generated);
    return out;
  }

 private:
  DiffusionSettings settings_;
  std::string dtype_;  // what the loaded models compute in
  std::unique_ptr<models::ControlNetInpaintPipeline> pipeline_;
};

}  // namespace

std::unique_ptr<BackgroundGenerator> make_diffusion_generator(models::StableDiffusionComponents components,
                                                              models::ControlNetModel controlnet,
                                                              const DiffusionSettings& settings) {
  return std::make_unique<DiffusionBackgroundGenerator>(std::move(components), std::move(controlnet), settings);
}

std::optional<std::filesystem::path> bundled_clip_tokenizer() {
  const auto merges = find_data_file("clip_tokenizer/merges.txt", "BACKDROP_CLIP_MERGES");
  if (!merges) return std::nullopt;
  return merges->parent_path();
}

std::string resolved_dtype(const DiffusionSettings& settings) {
  // The planning machine may have no CUDA: a CUDA device is named, not opened, to resolve "auto".
  const bool cuda = settings.device.starts_with("cuda") || (settings.device == "auto" && models::cuda_available());
  const torch::Device device = cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  return models::compute_dtype_name(models::parse_compute_dtype(settings.dtype, device));
}

std::unique_ptr<BackgroundGenerator> make_diffusion_generator(const DiffusionSettings& settings) {
  models::ModelLoadOptions load;
  load.device = models::parse_device(settings.device);
  load.dtype = models::parse_compute_dtype(settings.dtype, load.device);
  if (!settings.tokenizer.empty()) load.tokenizer = settings.tokenizer;
  load.loras = settings.loras;
  load.bundled_tokenizer = bundled_clip_tokenizer();
  auto components = models::load_stable_diffusion(settings.model, load);
  models::ControlNetModel controlnet(nullptr);
  if (!settings.controlnet.empty()) controlnet = models::load_controlnet(settings.controlnet, load);
  return make_diffusion_generator(std::move(components), std::move(controlnet), settings);
}

}  // namespace backdrop::backgrounds
