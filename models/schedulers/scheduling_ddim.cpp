#include "models/schedulers/scheduling_ddim.h"

#include <cmath>

#include <torch/torch.h>

namespace backdrop::models {

DDIMScheduler::DDIMScheduler(const nlohmann::json& config) : DDIMScheduler(SchedulerConfig(config, "DDIMScheduler")) {}

DDIMScheduler::DDIMScheduler(const SchedulerConfig& config)
    : Scheduler(config),
      prediction_type_(read_prediction_type(config)),
      timestep_spacing_(read_timestep_spacing(config, "leading")),
      steps_offset_(config.integer("steps_offset", 0)),
      clip_sample_(config.boolean("clip_sample", true)),
      clip_sample_range_(config.number("clip_sample_range", 1.0)) {
  config.require_boolean("thresholding", false, false);
  final_alpha_cumprod_ = config.boolean("set_alpha_to_one", true) ? 1.0f : schedule_.alphas_cumprod_values.front();
}

void DDIMScheduler::compute_timesteps(int64_t n) {
  timesteps_ = torch::tensor(spaced_timesteps(timestep_spacing_, schedule_.num_train_timesteps, n, steps_offset_),
                             torch::kInt64);
}

SchedulerOutput DDIMScheduler::compute_step(const torch::Tensor& model_output, double timestep,
                                            const torch::Tensor& sample, const StepOptions& options) {
  const auto t = static_cast<int64_t>(timestep);
  const int64_t prev_t = t - schedule_.num_train_timesteps / num_inference_steps_;
  const float alpha_prod_t = alpha_cumprod(t);
  const float alpha_prod_t_prev = prev_t >= 0 ? alpha_cumprod(prev_t) : final_alpha_cumprod_;
  const float beta_prod_t = 1.0f - alpha_prod_t;
  const float sqrt_alpha = std::sqrt(alpha_prod_t);
  const float sqrt_beta = std::sqrt(beta_prod_t);

  torch::Tensor pred_original_sample;
  torch::Tensor pred_epsilon;
  switch (prediction_type_) {
    case PredictionType::epsilon:
      pred_original_sample = (sample - sqrt_beta * model_output) / sqrt_alpha;
      pred_epsilon = model_output;
      break;
    case PredictionType::sample:
      pred_original_sample = model_output;
      pred_epsilon = (sample - sqrt_alpha * pred_original_sample) / sqrt_beta;
      break;
    case PredictionType::v_prediction:
      pred_original_sample = sqrt_alpha * sample - sqrt_beta * model_output;
      pred_epsilon = sqrt_alpha * model_output + sqrt_beta * sample;
      break;
  }
  if (clip_sample_) pred_original_sample = pred_original_sample.clamp(-clip_sample_range_, clip_sample_range_);

  // Eq. (16) of the DDIM paper: sigma_t = eta * sqrt((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev)).
  const float beta_prod_t_prev = 1.0f - alpha_prod_t_prev;
  const float variance = (beta_prod_t_prev / beta_prod_t) * (1.0f - alpha_prod_t / alpha_prod_t_prev);
  const float std_dev_t = static_cast<float>(options.eta) * std::sqrt(variance);

  const auto direction = std::sqrt(1.0f - alpha_prod_t_prev - std_dev_t * std_dev_t) * pred_epsilon;
  auto prev_sample = std::sqrt(alpha_prod_t_prev) * pred_original_sample + direction;
  if (options.eta > 0) prev_sample = prev_sample + std_dev_t * step_noise(options, model_output);
  return {prev_sample, pred_original_sample};
}

torch::Tensor DDIMScheduler::add_noise(const torch::Tensor& original, const torch::Tensor& noise,
                                       const torch::Tensor& timesteps) const {
  return add_noise_with_alphas_cumprod(original, noise, timesteps);
}

}  // namespace backdrop::models
