#pragma once
// Latent consistency models (Luo et al. 2023): diffusers' LCMScheduler, for LCM-distilled UNets and
// LCM-LoRA in 2-8 steps with guidance at most 2.
//
// The timesteps are taken from the distillation schedule of `original_inference_steps` (default 50)
// training steps: k = T // original_inference_steps, origin = [k - 1, 2k - 1, ..., T - 1] reversed,
// and n of them at floor(linspace(0, len(origin), n, endpoint=False)) (4 steps: 999, 759, 499, 259).
// A step turns the model's prediction into the consistency output `denoised` with the boundary-condition
// scalings c_skip, c_out of the discrete timestep scaled by `timestep_scaling`, then re-noises it to
// the next timestep with a fresh draw from StepOptions; the last step draws nothing and returns
// `denoised` as prev_sample. A pipeline's result is the last step's `denoised`.

#include <nlohmann/json.hpp>

#include "models/schedulers/scheduling_utils.h"

namespace backdrop::models {

class LCMScheduler final : public Scheduler {
 public:
  explicit LCMScheduler(const nlohmann::json& config = nlohmann::json::object());

  std::string class_name() const override { return "LCMScheduler"; }
  torch::Tensor add_noise(const torch::Tensor& original, const torch::Tensor& noise,
                          const torch::Tensor& timesteps) const override;

 private:
  explicit LCMScheduler(const SchedulerConfig& config);

  void compute_timesteps(int64_t num_inference_steps) override;
  SchedulerOutput compute_step(const torch::Tensor& model_output, double timestep, const torch::Tensor& sample,
                               const StepOptions& options) override;
  // The consistency-model parametrisation's skip and output scalings at a discrete timestep.
  struct BoundaryScalings {
    float c_skip;
    float c_out;
  };
  BoundaryScalings boundary_scalings(int64_t timestep) const;

  PredictionType prediction_type_;
  int64_t original_inference_steps_;
  double timestep_scaling_;
  bool clip_sample_;
  double clip_sample_range_;
  // alphas_cumprod "before" timestep 0, used when the next timestep would be negative.
  float final_alpha_cumprod_;
};

}  // namespace backdrop::models
