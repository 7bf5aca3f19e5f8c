#include "models/schedulers/scheduling_euler_discrete.h"

#include <torch/torch.h>

namespace backdrop::models {

namespace {

EulerSchedulerBase::SigmaOptions read_sigma_options(const SchedulerConfig& config) {
  config.choice("interpolation_type", "linear", {"linear"});
  if (config.choice("timestep_type", "discrete", {"discrete", "continuous"}) == "continuous" &&
      read_prediction_type(config) == PredictionType::v_prediction) {
    config.fail("timestep_type", "continuous timesteps with v_prediction are not supported");
  }
  return {config.boolean("use_karras_sigmas", false), config.optional_number("sigma_min"),
          config.optional_number("sigma_max"),
          config.choice("final_sigmas_type", "zero", {"zero", "sigma_min"}) == "sigma_min"};
}

}  // namespace

EulerDiscreteScheduler::EulerDiscreteScheduler(const nlohmann::json& config)
    : EulerDiscreteScheduler(SchedulerConfig(config, "EulerDiscreteScheduler")) {}

EulerDiscreteScheduler::EulerDiscreteScheduler(const SchedulerConfig& config)
    : EulerSchedulerBase(config, read_sigma_options(config)) {}

SchedulerOutput EulerDiscreteScheduler::compute_step(const torch::Tensor& model_output, double timestep,
                                                     const torch::Tensor& sample, const StepOptions& /*options*/) {
  // With s_churn 0 diffusers still draws (and discards) a noise tensor here; nothing depends on it.
  const int64_t index = current_step_index(timestep, /*missing_is_last=*/false);
  const float sigma = sigma_at(index);
  const auto pred_original_sample = predict_original_sample(model_output, sample, sigma);
  const auto derivative = (sample - pred_original_sample) / sigma;
  const float dt = sigma_at(index + 1) - sigma;
  auto prev_sample = sample + derivative * dt;
  advance_step_index();
  return {prev_sample, pred_original_sample};
}

}  // namespace backdrop::models
