#pragma once
// The common interface of the diffusion schedulers, so that a pipeline does not know which one it
// runs, and what they share: the training noise schedule (betas, alphas_cumprod) and the step-index
// bookkeeping of the sigma-based schedulers. Mirrors diffusers' `SchedulerMixin`.
//
// Tables (betas, alphas_cumprod, sigmas, timesteps) live on the CPU in float32 (timesteps: int64 or
// float32, as diffusers has them) and are computed like diffusers does; a step reads the few scalars
// it needs from them, so samples may be on any device, of any batch size. Samples in float16 or
// bfloat16 are stepped in float32 and the result is cast back to the model output's dtype.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "models/runtime/random.h"
#include "models/schedulers/scheduler_config.h"

namespace backdrop::models {

enum class PredictionType { epsilon, v_prediction, sample };
PredictionType read_prediction_type(const SchedulerConfig& config);

enum class TimestepSpacing { leading, linspace, trailing };
TimestepSpacing read_timestep_spacing(const SchedulerConfig& config, const char* fallback);
// The n training timesteps of a DDIM-style schedule, largest first (Lin et al. 2023, Table 2):
// linspace: round(linspace(0, T - 1, n)); leading: i * (T // n) + steps_offset;
// trailing: round(arange(T, 0, -T / n)) - 1.
std::vector<int64_t> spaced_timesteps(TimestepSpacing spacing, int64_t num_train_timesteps, int64_t n,
                                      int64_t steps_offset);

struct SchedulerOutput {
  torch::Tensor prev_sample;
  // The model's estimate of the clean sample, where the scheduler computes one; else undefined.
  torch::Tensor pred_original_sample;
  // The consistency schedulers' (LCM) denoised sample: what a pipeline returns after the last step
  // (intermediate prev_samples are re-noised); undefined for the others. See `result_sample`.
  torch::Tensor denoised{};
};

// The latents a run ends with after its last step: `denoised` where the scheduler gives one
// (diffusers' LCM pipelines decode it), else `prev_sample`.
const torch::Tensor& result_sample(const SchedulerOutput& output);

// Extra inputs of a step; the deterministic schedulers ignore them.
struct StepOptions {
  // Stochastic steps (DDIM with eta > 0, Euler ancestral) draw their noise from here...
  RandomGenerator* generator = nullptr;
  // ...unless it is given (tests, fixed noise). Without either they use torch's default CPU generator.
  torch::Tensor noise;
  // DDIM's eta (0: deterministic DDIM, 1: DDPM-like); as in diffusers pipelines, others ignore it.
  double eta = 0.0;
};

// The training noise schedule from `num_train_timesteps`, `beta_start`, `beta_end`,
// `beta_schedule` (linear, scaled_linear, squaredcos_cap_v2), `trained_betas` and
// `rescale_betas_zero_snr`, in float32 like diffusers (float64 differs at the 1e-6 level).
struct NoiseSchedule {
  int64_t num_train_timesteps = 0;
  torch::Tensor betas;           // [T] float32, CPU
  torch::Tensor alphas_cumprod;  // [T] float32, CPU
  std::vector<float> alphas_cumprod_values;
};
// `reads_zero_snr_option`: false for classes without `rescale_betas_zero_snr` (PNDM ignores the key).
NoiseSchedule make_noise_schedule(const SchedulerConfig& config, bool reads_zero_snr_option = true);

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // diffusers' class name ("DDIMScheduler", ...).
  virtual std::string class_name() const = 0;

  // Prepares `num_inference_steps` steps and resets the state of a previous run. Throws
  // SchedulerConfigError when the count is below 1 or above `num_train_timesteps`.
  void set_timesteps(int64_t num_inference_steps);
  int64_t num_inference_steps() const { return num_inference_steps_; }
  // The timesteps to run, in order (CPU; int64, or float32 for the Euler schedulers). PNDM runs
  // n + 1 of them (n + 9 with its Runge-Kutta warm-up). Pass each value to `scale_model_input`,
  // the model and `step`.
  const torch::Tensor& timesteps() const { return timesteps_; }
  std::vector<double> timestep_values() const;
  // The noise levels of the sigma-based schedulers (CPU float32, ending with the final one);
  // undefined for DDIM and PNDM.
  virtual torch::Tensor sigmas() const { return {}; }

  // Standard deviation of the initial noise: latents start as `noise * init_noise_sigma()`.
  virtual double init_noise_sigma() const { return 1.0; }
  // Model evaluations per step (1 for every scheduler here).
  virtual int order() const { return 1; }

  const NoiseSchedule& noise_schedule() const { return schedule_; }

  // The model input for the current step (Euler schedulers divide by sqrt(sigma^2 + 1)).
  torch::Tensor scale_model_input(const torch::Tensor& sample, double timestep);
  // One denoising step from `timestep` to the next one.
  SchedulerOutput step(const torch::Tensor& model_output, double timestep, const torch::Tensor& sample,
                       const StepOptions& options = {});
  // `original` noised to the level of `timesteps` (0-dim, or one per batch item): what the model
  // would see at that step. img2img starts from `add_noise(image_latents, noise, timesteps[t_start])`.
  virtual torch::Tensor add_noise(const torch::Tensor& original, const torch::Tensor& noise,
                                  const torch::Tensor& timesteps) const = 0;
  torch::Tensor add_noise(const torch::Tensor& original, const torch::Tensor& noise, double timestep) const;

  // img2img / inpainting start part-way through the schedule: the first step then runs
  // `timesteps()[begin_index]` (the sigma-based schedulers otherwise find it by value).
  void set_begin_index(int64_t begin_index);
  std::optional<int64_t> begin_index() const { return begin_index_; }
  // The index of the next step of the sigma-based schedulers, once a run has started.
  std::optional<int64_t> step_index() const { return step_index_; }

 protected:
  explicit Scheduler(const SchedulerConfig& config, bool reads_zero_snr_option = true);

  // Fills timesteps_ (and the scheduler's own tables) for `num_inference_steps` and resets its state.
  virtual void compute_timesteps(int64_t num_inference_steps) = 0;
  virtual torch::Tensor compute_model_input(const torch::Tensor& sample, double timestep) { return sample; }
  virtual SchedulerOutput compute_step(const torch::Tensor& model_output, double timestep,
                                       const torch::Tensor& sample, const StepOptions& options) = 0;

  float alpha_cumprod(int64_t timestep) const;
  // DDPM-style forward noising: sqrt(alphas_cumprod[t]) x + sqrt(1 - alphas_cumprod[t]) noise.
  torch::Tensor add_noise_with_alphas_cumprod(const torch::Tensor& original, const torch::Tensor& noise,
                                              const torch::Tensor& timesteps) const;
  // With `rescale_betas_zero_snr` the last alphas_cumprod is 0 (an infinite sigma); the sigma-based
  // schedulers replace it by 2^-24, as diffusers does.
  void floor_final_alpha_cumprod(const SchedulerConfig& config);

  // Step-index bookkeeping of the sigma-based schedulers (diffusers' `_init_step_index`).
  // A timestep missing from the schedule is the last step when `missing_is_last`, else an error.
  int64_t index_for_timestep(double timestep, bool missing_is_last) const;
  int64_t current_step_index(double timestep, bool missing_is_last);
  void advance_step_index() { ++*step_index_; }
  // The schedule index of each timestep for add_noise (begin index / step index / lookup).
  std::vector<int64_t> noise_step_indices(const torch::Tensor& timesteps, bool missing_is_last) const;

  NoiseSchedule schedule_;
  torch::Tensor timesteps_;
  int64_t num_inference_steps_ = 0;

 private:
  std::optional<int64_t> step_index_;
  std::optional<int64_t> begin_index_;
};

// A stochastic step's noise: the given tensor, else a draw from the generator (float32 on the
// CPU, as diffusers' randn_tensor), else from torch's default CPU generator.
torch::Tensor step_noise(const StepOptions& options, const torch::Tensor& like);

// Per-batch-item coefficients [B] (CPU float32) shaped to broadcast against `like` ([B, 1, 1, ...]).
torch::Tensor broadcast_coefficients(const std::vector<float>& values, const torch::Tensor& like);

// Timesteps given to add_noise as a list of values (0-dim: one value).
std::vector<double> timestep_list(const torch::Tensor& timesteps);

}  // namespace backdrop::models
