#include "models/schedulers/scheduling_euler_common.h"

#include <algorithm>
#include <cmath>

#include <torch/torch.h>

#include "models/schedulers/schedule_math.h"

namespace backdrop::models {

namespace sm = schedule_math;

EulerSchedulerBase::EulerSchedulerBase(const SchedulerConfig& config, SigmaOptions options)
    : Scheduler(config),
      prediction_type_(read_prediction_type(config)),
      timestep_spacing_(read_timestep_spacing(config, "linspace")),
      steps_offset_(config.integer("steps_offset", 0)),
      sigma_options_(options) {
  floor_final_alpha_cumprod(config);
  // Before set_timesteps: every training noise level, largest first (init_noise_sigma needs them).
  sigmas_ = sm::sigmas_from_alphas_cumprod(schedule_.alphas_cumprod_values);
  std::reverse(sigmas_.begin(), sigmas_.end());
  sigmas_.push_back(0.0f);
}

std::vector<double> EulerSchedulerBase::spaced_timesteps(int64_t n) const {
  const int64_t train = schedule_.num_train_timesteps;
  std::vector<double> timesteps;
  if (timestep_spacing_ == TimestepSpacing::linspace) {
    // Euler keeps the fractional values: linspace(0, T - 1, n) in float32, unrounded.
    timesteps = sm::reversed(sm::linspace(0, static_cast<double>(train - 1), n));
  } else {
    for (const int64_t t : models::spaced_timesteps(timestep_spacing_, train, n, steps_offset_)) {
      timesteps.push_back(static_cast<double>(t));
    }
  }
  for (auto& t : timesteps) t = static_cast<double>(static_cast<float>(t));
  return timesteps;
}

void EulerSchedulerBase::compute_timesteps(int64_t n) {
  auto timesteps = spaced_timesteps(n);
  const auto table = sm::sigmas_from_alphas_cumprod(schedule_.alphas_cumprod_values);

  std::vector<double> sigmas;
  for (const double t : timesteps) sigmas.push_back(sm::interp(t, table));
  if (sigma_options_.use_karras_sigmas) {
    const double sigma_min = sigma_options_.sigma_min.value_or(sigmas.back());
    const double sigma_max = sigma_options_.sigma_max.value_or(sigmas.front());
    sigmas = sm::karras_sigmas(sigma_min, sigma_max, n);
    const auto log_sigmas = sm::log_of(table);
    timesteps.clear();
    for (const double sigma : sigmas) timesteps.push_back(static_cast<float>(sm::sigma_to_t(sigma, log_sigmas)));
  }

  sigmas_.clear();
  for (const double sigma : sigmas) sigmas_.push_back(static_cast<float>(sigma));
  sigmas_.push_back(sigma_options_.final_sigma_is_min ? table.front() : 0.0f);

  std::vector<float> timesteps_f32(timesteps.begin(), timesteps.end());
  timesteps_ = torch::tensor(timesteps_f32, torch::kFloat32);
}

torch::Tensor EulerSchedulerBase::sigmas() const { return torch::tensor(sigmas_, torch::kFloat32); }

double EulerSchedulerBase::init_noise_sigma() const {
  const float max_sigma = *std::max_element(sigmas_.begin(), sigmas_.end());
  if (timestep_spacing_ == TimestepSpacing::leading) return std::sqrt(max_sigma * max_sigma + 1.0f);
  return max_sigma;
}

torch::Tensor EulerSchedulerBase::compute_model_input(const torch::Tensor& sample, double timestep) {
  const float sigma = sigma_at(current_step_index(timestep, /*missing_is_last=*/false));
  return sample / std::sqrt(sigma * sigma + 1.0f);
}

torch::Tensor EulerSchedulerBase::predict_original_sample(const torch::Tensor& model_output,
                                                          const torch::Tensor& sample, float sigma) const {
  switch (prediction_type_) {
    case PredictionType::epsilon:
      return sample - sigma * model_output;
    case PredictionType::v_prediction: {
      const float variance = sigma * sigma + 1.0f;
      return model_output * (-sigma / std::sqrt(variance)) + sample / variance;
    }
    case PredictionType::sample:
      break;
  }
  return model_output;
}

torch::Tensor EulerSchedulerBase::add_noise(const torch::Tensor& original, const torch::Tensor& noise,
                                            const torch::Tensor& timesteps) const {
  std::vector<float> sigma;
  for (const int64_t index : noise_step_indices(timesteps, /*missing_is_last=*/false)) sigma.push_back(sigma_at(index));
  return original + noise * broadcast_coefficients(sigma, original);
}

}  // namespace backdrop::models
