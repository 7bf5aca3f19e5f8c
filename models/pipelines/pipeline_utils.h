#pragma once
// What the diffusion pipelines share: prompt encoding for classifier-free guidance, the ControlNet
// schedule, the per-step noise prediction (ControlNet -> UNet -> guidance), the scheduler step,
// progress, stages and cancellation, latent previews and decoding.
//
// Running a model does not change it, so the pipelines take their components as const; libtorch's
// forward methods are not const-qualified, so they call them through the shared module pointer
// (`module.ptr()->forward(...)`).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <torch/types.h>

#include "models/controlnets/controlnet.h"
#include "models/pipelines/generation_parameters.h"
#include "models/pipelines/stable_diffusion_components.h"
#include "models/schedulers/scheduling_utils.h"

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

// The parts of a run, in order; each is reported when it ends (for stage timings).
enum class PipelineStage {
  encoding,   // prompts, control image, the canvas' VAE encoding and the initial latents
  denoising,  // every scheduler step
  decoding,   // the VAE decoding of the final latents
};

struct RunControl {
  std::function<void(const StepProgress&)> on_step;  // called after every step
  std::function<void(PipelineStage)> on_stage_done;    // called as each stage ends
  bool previews = false;                               // fill StepProgress::preview
  const std::atomic<bool>* cancel = nullptr;           // checked before every step
  TraceFunction trace;

  void stage_done(PipelineStage stage) const {
    if (on_stage_done) on_stage_done(stage);
  }
};

// diffusers' do_classifier_free_guidance: the unconditional batch runs only for a scale above 1.
// At 1 or below the UNet and ControlNet run on the prompts alone (batch 1 per image), which is
// exactly the conditional prediction (LCM-LoRA runs at guidance 1).
inline bool uses_guidance(double guidance_scale) { return guidance_scale > 1.0; }

// [tensor, tensor] for the guidance batch, else the tensor itself.
torch::Tensor doubled_for_guidance(const torch::Tensor& tensor, bool guidance);

// The scheduler a run uses: `parameters.scheduler` by short name on the model's scheduler config,
// else the model's own scheduler.
std::unique_ptr<Scheduler> make_pipeline_scheduler(const StableDiffusionComponents& components,
                                                   const GenerationParameters& parameters);

// The VAE's downsampling factor (8 for SD 1.5): latents are [B, C, H / factor, W / factor].
int64_t vae_scale_factor(const StableDiffusionComponents& components);

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

// One step's model evaluation, shared by the pipelines: ControlNet -> UNet -> guidance. Built once
// per run, it holds the text embeddings and the control image, both doubled for guidance.
class NoisePredictor {
 public:
  // `controlnet` may be empty; then `control_image` is ignored, else it is required ([1 or
  // num_prompts, C, H, W] in [0, 1]).
  NoisePredictor(const StableDiffusionComponents& components, const ControlNetModel& controlnet,
                 const GenerationParameters& parameters, const torch::Tensor& control_image);

  bool guidance() const { return guidance_; }

  // The guided noise for step `step` of `num_steps` at `timestep` (0-dim, on the device).
  // `model_input` is the scaled latents (doubled with guidance), which the ControlNet sees;
  // `unet_input` is the same with any extra channels of an inpainting UNet. Traces
  // {prefix}controlnet_down.{j}, {prefix}controlnet_mid, {prefix}unet_out and {prefix}noise_pred.
  torch::Tensor predict_noise(int64_t step, int64_t num_steps, const torch::Tensor& model_input,
                              const torch::Tensor& unet_input, const torch::Tensor& timestep,
                              const TraceFunction& trace) const;

 private:
  const StableDiffusionComponents& components_;
  ControlNetModel controlnet_;
  GenerationParameters parameters_;
  bool guidance_;
  torch::Tensor embeddings_;
  torch::Tensor control_image_;
};

// scheduler.step with the trace of {prefix}latents (the prev_sample) and, for the consistency
// schedulers, {prefix}denoised.
SchedulerOutput traced_step(Scheduler& scheduler, const torch::Tensor& noise_pred, double timestep,
                            const torch::Tensor& latents, const StepOptions& options, const std::string& prefix,
                            const TraceFunction& trace);

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
