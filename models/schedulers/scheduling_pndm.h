#pragma once
// PNDM (Liu et al. 2022): diffusers' PNDMScheduler. With `skip_prk_steps` true (SD 1.5's config)
// it is PLMS and runs n + 1 model evaluations for n steps: the second timestep is repeated, because
// the first linear multistep update needs two evaluations. Without it (diffusers' default) the
// first three steps are pseudo Runge-Kutta steps of four evaluations each: n + 9 evaluations.

#include <vector>

#include <nlohmann/json.hpp>

#include "models/schedulers/scheduling_utils.h"

namespace backdrop::models {

class PNDMScheduler final : public Scheduler {
 public:
  explicit PNDMScheduler(const nlohmann::json& config = nlohmann::json::object());

  std::string class_name() const override { return "PNDMScheduler"; }
  torch::Tensor add_noise(const torch::Tensor& original, const torch::Tensor& noise,
                          const torch::Tensor& timesteps) const override;

 private:
  explicit PNDMScheduler(const SchedulerConfig& config);

  void compute_timesteps(int64_t num_inference_steps) override;
  SchedulerOutput compute_step(const torch::Tensor& model_output, double timestep, const torch::Tensor& sample,
                               const StepOptions& options) override;
  torch::Tensor step_prk(const torch::Tensor& model_output, int64_t timestep, const torch::Tensor& sample);
  torch::Tensor step_plms(const torch::Tensor& model_output, int64_t timestep, const torch::Tensor& sample);
  // Eq. (9) of the PNDM paper: x_{t-delta} from x_t and the combined noise estimate.
  torch::Tensor previous_sample(const torch::Tensor& sample, int64_t timestep, int64_t prev_timestep,
                                const torch::Tensor& model_output) const;

  PredictionType prediction_type_;
  TimestepSpacing timestep_spacing_;
  int64_t steps_offset_;
  bool skip_prk_steps_;
  float final_alpha_cumprod_;

  // The Runge-Kutta timesteps (empty with skip_prk_steps), which come first in timesteps().
  std::vector<int64_t> prk_timesteps_;
  // Multistep state: the last (up to 4) noise estimates, the sample a step started from, the
  // weighted sum of a Runge-Kutta step's estimates, and the number of evaluations so far.
  std::vector<torch::Tensor> ets_;
  torch::Tensor cur_sample_;
  torch::Tensor cur_model_output_;
  int64_t counter_ = 0;
};

}  // namespace backdrop::models
