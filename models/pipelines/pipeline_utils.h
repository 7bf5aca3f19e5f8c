#pragma once
// What the diffusion pipelines share: prompt encoding for classifier-free guidance, the ControlNet
// schedule, progress and cancellation, latent previews and decoding.
//
// Running a model does not change it, so the pipelines take their components as const; libtorch's
// forward methods are not const-qualified, so they call them through the shared module pointer
// (`module.ptr()->forward(...)`).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <torch/types.h>

#include "models/pipelines/stable_diffusion_components.h"

namespace backdrop::models {

// Thrown between steps when the caller's cancel flag is set; the run's tensors are freed as the
// exception unwinds.
class GenerationCancelled : public std::runtime_error {
 public:
  GenerationCancelled() : std::runtime_error("generation cancelled") {}
};

struct StepProgress {
  int64_t step = 0;   // steps done, 1-based
  int64_t total = 0;
  double elapsed_seconds = 0.0;
  torch::Tensor preview;  // [B, 3, h, w] RGB in [0, 1] at latent size, when previews are asked for
};

// Reads intermediate tensors by name ("step3.unet_out" ...), for parity tests and debugging.
using TraceFunction = std::function<void(std::string_view name, const torch::Tensor& tensor)>;

struct RunControl {
  std::function<void(const StepProgress&)> on_step;  // called after every step
  bool previews = false;                               // fill StepProgress::preview
  const std::atomic<bool>* cancel = nullptr;           // checked before every step
  TraceFunction trace;
};

// Text embeddings for a batch: [negatives..., prompts...] with classifier-free guidance, else only
// the prompts; each prompt's rows repeated `images_per_prompt` times next to each other.
torch::Tensor encode_prompts_for_guidance(const StableDiffusionComponents& components,
                                          const std::vector<std::string>& prompts,
                                          const std::vector<std::string>& negative_prompts, int64_t images_per_prompt,
                                          bool classifier_free_guidance, int64_t clip_skip);

// diffusers' rule: step i of n runs ControlNet at full scale unless i/n < start or (i+1)/n > end.
double controlnet_scale_at_step(int64_t step, int64_t num_steps, double scale, double start, double end);

// uncond + scale * (cond - uncond) from a [uncond..., cond...] batch.
torch::Tensor apply_guidance(const torch::Tensor& noise_pred, double guidance_scale);

// The control image [1 or B, C, H, W] repeated to `batch_size` rows (each prompt's images keep
// their own image when there is one per prompt), then doubled for guidance.
torch::Tensor prepare_control_image(const torch::Tensor& image, int64_t num_prompts, int64_t images_per_prompt,
                                    bool classifier_free_guidance, const torch::Device& device,
                                    torch::ScalarType dtype);

// vae.decode(latents / scaling_factor) -> image in [0, 1]; tiles when the image is large.
torch::Tensor decode_latents(const StableDiffusionComponents& components, const torch::Tensor& latents,
                             const TraceFunction& trace = {});

// A cheap RGB approximation of SD 1.x latents (a fixed linear map), for progress previews.
torch::Tensor latent_preview(const torch::Tensor& latents);

// Measures a run and reports its steps.
class StepReporter {
 public:
  StepReporter(const RunControl& control, int64_t total);
  void throw_if_cancelled() const;
  void step_done(int64_t step, const torch::Tensor& latents) const;

 private:
  const RunControl& control_;
  int64_t total_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace backdrop::models
