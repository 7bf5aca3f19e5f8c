#pragma once
// DDIM (Song et al. 2020): diffusers' DDIMScheduler. Deterministic with eta 0; with eta > 0 each
// step adds noise from StepOptions (generator or given noise).

#include <nlohmann/json.hpp>

#include "models/schedulers/scheduling_utils.h"

namespace backdrop::models {

class DDIMScheduler final : public Scheduler {
 public:
  explicit DDIMScheduler(const nlohmann::json& config = nlohmann::json::object());

  std::string class_name() const override { return "DDIMScheduler"; }
  torch::Tensor add_noise(const torch::Tensor& original, const torch::Tensor& noise,
                          const torch::Tensor& timesteps) const override;

 private:
  explicit DDIMScheduler(const SchedulerConfig& config);

  void compute_timesteps(int64_t num_inference_steps) override;
  SchedulerOutput compute_step(const torch::Tensor& model_output, double timestep, const torch::Tensor& sample,
                               const StepOptions& options) override;

  PredictionType prediction_type_;
  TimestepSpacing timestep_spacing_;
  int64_t steps_offset_;
  bool clip_sample_;
  double clip_sample_range_;
  // alphas_cumprod "before" timestep 0, used by the last step.
  float final_alpha_cumprod_;
};

}  // namespace backdrop::models
