#include "models/pipelines/pipeline_utils.h"

#include <torch/torch.h>

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

}  // namespace

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
