#pragma once
// PNDM (Liu et al. 2022) in its PLMS form, SD 1.5's default: diffusers' PNDMScheduler with
// `skip_prk_steps` true. Runs n + 1 model evaluations for n steps: the second timestep is repeated,
// because the first linear multistep update needs two evaluations.

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
  // Eq. (9) of the PNDM paper: x_{t-delta} from x_t and the combined noise estimate.
  torch::Tensor previous_sample(const torch::Tensor& sample, int64_t timestep, int64_t prev_timestep,
                                const torch::Tensor& model_output) const;

  PredictionType prediction_type_;
  TimestepSpacing timestep_spacing_;
  int64_t steps_offset_;
  float final_alpha_cumprod_;

  // Linear multistep state: the last (up to 4) noise estimates, the sample of the first step.
  std::vector<torch::Tensor> ets_;
  torch::Tensor cur_sample_;
  int64_t counter_ = 0;
};

}  // namespace backdrop::models
