#include "models/schedulers/scheduling_euler_ancestral_discrete.h"

#include <cmath>

#include <torch/torch.h>

namespace backdrop::models {

EulerAncestralDiscreteScheduler::EulerAncestralDiscreteScheduler(const nlohmann::json& config)
    : EulerAncestralDiscreteScheduler(SchedulerConfig(config, "EulerAncestralDiscreteScheduler")) {}

EulerAncestralDiscreteScheduler::EulerAncestralDiscreteScheduler(const SchedulerConfig& config)
    : EulerSchedulerBase(config, SigmaOptions{}) {
  if (prediction_type_ == PredictionType::sample) {
    config.fail("prediction_type", "Euler ancestral supports epsilon and v_prediction");
  }
}

SchedulerOutput EulerAncestralDiscreteScheduler::compute_step(const torch::Tensor& model_output, double timestep,
                                                              const torch::Tensor& sample,
                                                              const StepOptions& options) {
  const int64_t index = current_step_index(timestep, /*missing_is_last=*/false);
  const float sigma_from = sigma_at(index);
  const float sigma_to = sigma_at(index + 1);
  const auto pred_original_sample = predict_original_sample(model_output, sample, sigma_from);

  // Split the move to sigma_to into a deterministic part (to sigma_down) and fresh noise (sigma_up).
  const float sigma_to_sq = sigma_to * sigma_to;
  const float sigma_from_sq = sigma_from * sigma_from;
  const float sigma_up = std::sqrt(sigma_to_sq * (sigma_from_sq - sigma_to_sq) / sigma_from_sq);
  const float sigma_down = std::sqrt(sigma_to_sq - sigma_up * sigma_up);

  const auto derivative = (sample - pred_original_sample) / sigma_from;
  const float dt = sigma_down - sigma_from;
  auto prev_sample = sample + derivative * dt;
  // Drawn at every step, the last one included (sigma_up 0), so a generator advances as in diffusers.
  prev_sample = prev_sample + step_noise(options, model_output) * sigma_up;
  advance_step_index();
  return {prev_sample, pred_original_sample};
}

}  // namespace backdrop::models
