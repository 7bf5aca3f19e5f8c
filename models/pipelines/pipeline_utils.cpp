#include "models/pipelines/pipeline_utils.h"

#include <optional>

#include <torch/torch.h>

#include "models/schedulers/scheduler_factory.h"

namespace backdrop::models {
namespace {

// Above this many latent pixels the VAE decodes in tiles, so that a 1920x1080 canvas (240x135
// latents) runs in bounded memory; below it, the exact untiled decode.
constexpr int64_t kTiledDecodeLatentPixels = 96 * 96;

torch::Tensor encode_texts(const StableDiffusionComponents& components, const std::vector<std::string>& texts,
                           int64_t clip_skip) {
  const auto batch = components.tokenizer->encode_batch(texts);
  return components.text_encoder.ptr()->encode(batch.input_ids.to(components.device), clip_skip);
}

void trace_residuals(const TraceFunction& trace, const std::string& prefix, const ControlNetResiduals& residuals) {
  for (std::size_t j = 0; j < residuals.down.size(); ++j) {
    trace(prefix + "controlnet_down." + std::to_string(j), residuals.down[j]);
  }
  trace(prefix + "controlnet_mid", residuals.mid);
}

}  // namespace

torch::Tensor doubled_for_guidance(const torch::Tensor& tensor, bool guidance) {
  return guidance ? torch::cat({tensor, tensor}) : tensor;
}

std::unique_ptr<Scheduler> make_pipeline_scheduler(const StableDiffusionComponents& components,
                                                   const GenerationParameters& parameters) {
  return parameters.scheduler.empty() ? make_scheduler(components.scheduler_config)
                                      : make_scheduler(parameters.scheduler, components.scheduler_config);
}

int64_t vae_scale_factor(const StableDiffusionComponents& components) {
  return int64_t{1} << (components.vae->config().block_out_channels.size() - 1);
}

torch::Tensor encode_prompts_for_guidance(const StableDiffusionComponents& components,
                                          const std::vector<std::string>& prompts,
                                          const std::vector<std::string>& negative_prompts, int64_t images_per_prompt,
                                          bool classifier_free_guidance, int64_t clip_skip) {
  auto embeddings = encode_texts(components, prompts, clip_skip).repeat_interleave(images_per_prompt, 0);
  if (!classifier_free_guidance) return embeddings;
  const auto negatives = negative_prompts.empty() ? std::vector<std::string>(prompts.size(), "") : negative_prompts;
  auto negative_embeddings = encode_texts(components, negatives, clip_skip).repeat_interleave(images_per_prompt, 0);
  return torch::cat({negative_embeddings, embeddings});
}

double controlnet_scale_at_step(int64_t step, int64_t num_steps, double scale, double start, double end) {
  const double begin_fraction = static_cast<double>(step) / static_cast<double>(num_steps);
  const double end_fraction = static_cast<double>(step + 1) / static_cast<double>(num_steps);
  const bool active = !(begin_fraction < start || end_fraction > end);
  return active ? scale : 0.0;
}

torch::Tensor apply_guidance(const torch::Tensor& noise_pred, double guidance_scale) {
  const auto halves = noise_pred.chunk(2);
  return halves[0] + guidance_scale * (halves[1] - halves[0]);
}

torch::Tensor prepare_control_image(const torch::Tensor& image, int64_t num_prompts, int64_t images_per_prompt,
                                    bool classifier_free_guidance, const torch::Device& device,
                                    torch::ScalarType dtype) {
  if (image.dim() != 4) {
    throw std::invalid_argument("the control image must be [N, C, H, W], got " + std::to_string(image.dim()) +
                                " dimensions");
  }
  torch::Tensor batch;
  if (image.size(0) == 1) {
    batch = image.repeat_interleave(num_prompts * images_per_prompt, 0);
  } else if (image.size(0) == num_prompts) {
    batch = image.repeat_interleave(images_per_prompt, 0);
  } else {
    throw std::invalid_argument("give one control image, or one per prompt (" + std::to_string(num_prompts) +
                                "); got " + std::to_string(image.size(0)));
  }
  batch = batch.to(device, dtype);
  return classifier_free_guidance ? torch::cat({batch, batch}) : batch;
}

NoisePredictor::NoisePredictor(const StableDiffusionComponents& components, const ControlNetModel& controlnet,
                               const GenerationParameters& parameters, const torch::Tensor& control_image)
    : components_(components),
      controlnet_(controlnet),
      parameters_(parameters),
      guidance_(uses_guidance(parameters.guidance_scale)) {
  if (controlnet_ && !control_image.defined()) {
    throw std::invalid_argument("a ControlNet is loaded: give a control image");
  }
  embeddings_ = encode_prompts_for_guidance(components_, parameters_.prompts, parameters_.negative_prompts,
                                            parameters_.images_per_prompt, guidance_, parameters_.clip_skip);
  if (controlnet_) {
    control_image_ = prepare_control_image(control_image, static_cast<int64_t>(parameters_.prompts.size()),
                                           parameters_.images_per_prompt, guidance_, components_.device,
                                           components_.dtype);
  }
}

torch::Tensor NoisePredictor::predict_noise(int64_t step, int64_t num_steps, const torch::Tensor& model_input,
                                            const torch::Tensor& unet_input, const torch::Tensor& timestep,
                                            const TraceFunction& trace) const {
  const std::string prefix = "step" + std::to_string(step) + ".";
  std::optional<ControlNetResiduals> residuals;
  if (controlnet_) {
    const double scale = controlnet_scale_at_step(step, num_steps, parameters_.controlnet_conditioning_scale,
                                                  parameters_.control_guidance_start,
                                                  parameters_.control_guidance_end);
    residuals = controlnet_.ptr()->forward(model_input, timestep, embeddings_, control_image_, scale);
    if (trace) trace_residuals(trace, prefix, *residuals);
  }
  const auto noise_pred =
      components_.unet.ptr()->forward(unet_input, timestep, embeddings_, residuals ? &*residuals : nullptr);
  if (trace) trace(prefix + "unet_out", noise_pred);
  const auto guided = guidance_ ? apply_guidance(noise_pred, parameters_.guidance_scale) : noise_pred;
  if (trace) trace(prefix + "noise_pred", guided);
  return guided;
}

SchedulerOutput traced_step(Scheduler& scheduler, const torch::Tensor& noise_pred, double timestep,
                            const torch::Tensor& latents, const StepOptions& options, const std::string& prefix,
                            const TraceFunction& trace) {
  auto output = scheduler.step(noise_pred, timestep, latents, options);
  if (trace) {
    trace(prefix + "latents", output.prev_sample);
    if (output.denoised.defined()) trace(prefix + "denoised", output.denoised);
  }
  return output;
}

torch::Tensor decode_latents(const StableDiffusionComponents& components, const torch::Tensor& latents,
                             const TraceFunction& trace) {
  const auto scaled = latents / components.vae->scaling_factor();
  const bool large = latents.size(-1) * latents.size(-2) > kTiledDecodeLatentPixels;
  auto decoded = large ? components.vae.ptr()->tiled_decode(scaled) : components.vae.ptr()->decode(scaled);
  if (trace) trace("decoded", decoded);
  return (decoded / 2 + 0.5).clamp(0, 1);
}

torch::Tensor latent_preview(const torch::Tensor& latents) {
  // Least-squares fit of SD 1.x latents to RGB, widely used for cheap previews.
  static const float kLatentToRgb[4][3] = {
      {0.298f, 0.207f, 0.208f}, {0.187f, 0.286f, 0.173f}, {-0.158f, 0.189f, 0.264f}, {-0.184f, -0.271f, -0.473f}};
  if (latents.size(1) != 4) return {};
  const auto factors = torch::from_blob(const_cast<float*>(&kLatentToRgb[0][0]), {4, 3}).clone();
  const auto rgb = torch::einsum("bchw,cr->brhw", {latents.detach().to(torch::kCPU, torch::kFloat32), factors});
  return ((rgb + 1) / 2).clamp(0, 1);
}

StepReporter::StepReporter(const RunControl& control, int64_t total)
    : control_(control), total_(total), start_(std::chrono::steady_clock::now()) {}

void StepReporter::throw_if_cancelled() const {
  if (control_.cancel != nullptr && control_.cancel->load(std::memory_order_relaxed)) throw GenerationCancelled();
}

void StepReporter::step_done(int64_t step, const torch::Tensor& latents) const {
  if (!control_.on_step) return;
  StepProgress progress;
  progress.step = step;
  progress.total = total_;
  progress.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (control_.previews) progress.preview = latent_preview(latents);
  control_.on_step(progress);
}

}  // namespace backdrop::models
