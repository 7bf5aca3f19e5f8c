#include "models/schedulers/scheduling_lcm.h"

#include <cmath>

#include <torch/torch.h>

namespace backdrop::models {

namespace {

constexpr float kSigmaData = 0.5f;  // diffusers' fixed sigma_data of the boundary condition

}  // namespace

LCMScheduler::LCMScheduler(const nlohmann::json& config) : LCMScheduler(SchedulerConfig(config, "LCMScheduler")) {}

LCMScheduler::LCMScheduler(const SchedulerConfig& config)
    : Scheduler(config),
      prediction_type_(read_prediction_type(config)),
      original_inference_steps_(config.integer("original_inference_steps", 50)),
      timestep_scaling_(config.number("timestep_scaling", 10.0)),
      clip_sample_(config.boolean("clip_sample", false)),
      clip_sample_range_(config.number("clip_sample_range", 1.0)) {
  config.require_boolean("thresholding", false, false);
  // LCMScheduler accepts the option but its set_timesteps ignores it (always the distillation schedule).
  read_timestep_spacing(config, "leading");
  if (original_inference_steps_ < 1 || original_inference_steps_ > schedule_.num_train_timesteps) {
    config.fail("original_inference_steps",
                "must be in [1, num_train_timesteps], got " + std::to_string(original_inference_steps_));
  }
  final_alpha_cumprod_ = config.boolean("set_alpha_to_one", true) ? 1.0f : schedule_.alphas_cumprod_values.front();
}

void LCMScheduler::compute_timesteps(int64_t n) {
  if (n > original_inference_steps_) {
    throw SchedulerConfigError("LCMScheduler: num_inference_steps " + std::to_string(n) +
                               " exceeds original_inference_steps " + std::to_string(original_inference_steps_));
  }
  const int64_t k = schedule_.num_train_timesteps / original_inference_steps_;
  const int64_t origin_count = original_inference_steps_;
  std::vector<int64_t> timesteps;
  for (int64_t i = 0; i < n; ++i) {
    // floor(linspace(0, origin_count, n, endpoint=False))[i] indexes the reversed origin schedule.
    const auto index = static_cast<int64_t>(
        std::floor(static_cast<double>(origin_count) * static_cast<double>(i) / static_cast<double>(n)));
    timesteps.push_back((origin_count - index) * k - 1);
  }
  timesteps_ = torch::tensor(timesteps, torch::kInt64);
}

LCMScheduler::BoundaryScalings LCMScheduler::boundary_scalings(int64_t timestep) const {
  // float32, as diffusers computes them from the int64 timestep tensor.
  const float scaled = static_cast<float>(timestep) * static_cast<float>(timestep_scaling_);
  const float denominator = scaled * scaled + kSigmaData * kSigmaData;
  return {kSigmaData * kSigmaData / denominator, scaled / std::sqrt(denominator)};
}

SchedulerOutput LCMScheduler::compute_step(const torch::Tensor& model_output, double timestep,
                                           const torch::Tensor& sample, const StepOptions& options) {
  const int64_t index = current_step_index(timestep, /*missing_is_last=*/false);
  const auto t = static_cast<int64_t>(timestep);
  const int64_t count = timesteps_.numel();
  const int64_t prev_t = index + 1 < count ? timesteps_[index + 1].item<int64_t>() : t;
  const float alpha_prod_t = alpha_cumprod(t);
  const float alpha_prod_t_prev = prev_t >= 0 ? alpha_cumprod(prev_t) : final_alpha_cumprod_;
  const float sqrt_alpha = std::sqrt(alpha_prod_t);
  const float sqrt_beta = std::sqrt(1.0f - alpha_prod_t);

  torch::Tensor pred_original_sample;
  switch (prediction_type_) {
    case PredictionType::epsilon:
      pred_original_sample = (sample - sqrt_beta * model_output) / sqrt_alpha;
      break;
    case PredictionType::sample:
      pred_original_sample = model_output;
      break;
    case PredictionType::v_prediction:
      pred_original_sample = sqrt_alpha * sample - sqrt_beta * model_output;
      break;
  }
  if (clip_sample_) pred_original_sample = pred_original_sample.clamp(-clip_sample_range_, clip_sample_range_);

  const auto [c_skip, c_out] = boundary_scalings(t);
  const auto denoised = c_out * pred_original_sample + c_skip * sample;

  // Multistep sampling re-noises the consistency output to the next timestep; the last step (and a
  // one-step run) returns it as it is and draws nothing, so a generator advances as in diffusers.
  torch::Tensor prev_sample = denoised;
  if (index != num_inference_steps_ - 1) {
    const auto noise = step_noise(options, model_output);
    prev_sample = std::sqrt(alpha_prod_t_prev) * denoised + std::sqrt(1.0f - alpha_prod_t_prev) * noise;
  }
  advance_step_index();
  return {prev_sample, pred_original_sample, denoised};
}

torch::Tensor LCMScheduler::add_noise(const torch::Tensor& original, const torch::Tensor& noise,
                                      const torch::Tensor& timesteps) const {
  return add_noise_with_alphas_cumprod(original, noise, timesteps);
}

}  // namespace backdrop::models
