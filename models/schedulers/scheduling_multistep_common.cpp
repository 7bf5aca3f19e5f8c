#include "models/schedulers/scheduling_multistep_common.h"

#include <algorithm>
#include <cmath>

#include <torch/torch.h>

#include "models/schedulers/schedule_math.h"

namespace backdrop::models {

namespace sm = schedule_math;

int64_t read_solver_order(const SchedulerConfig& config) {
  const auto order = config.integer("solver_order", 2);
  if (order < 1 || order > 2) config.fail("solver_order", "orders 1 and 2 are supported");
  return order;
}

MultistepSchedulerBase::MultistepSchedulerBase(const SchedulerConfig& config, ScheduleOptions options)
    : Scheduler(config),
      prediction_type_(read_prediction_type(config)),
      solver_order_(read_solver_order(config)),
      lower_order_final_(config.boolean("lower_order_final", true)),
      timestep_spacing_(read_timestep_spacing(config, "linspace")),
      steps_offset_(config.integer("steps_offset", 0)),
      options_(options) {
  config.require_boolean("thresholding", false, false);
  floor_final_alpha_cumprod(config);
  sigmas_ = sm::sigmas_from_alphas_cumprod(schedule_.alphas_cumprod_values);
}

int64_t MultistepSchedulerBase::last_timestep() const {
  // Skip the noisiest timesteps whose lambda falls below lambda_min_clipped (searchsorted, left).
  int64_t clipped = 0;
  for (auto it = schedule_.alphas_cumprod_values.rbegin(); it != schedule_.alphas_cumprod_values.rend(); ++it) {
    const float lambda = std::log(std::sqrt(*it)) - std::log(std::sqrt(1.0f - *it));
    if (static_cast<double>(lambda) < options_.lambda_min_clipped) ++clipped;
  }
  return schedule_.num_train_timesteps - clipped;
}

std::vector<double> MultistepSchedulerBase::spaced_timesteps(int64_t n) const {
  const int64_t last = last_timestep();
  std::vector<double> timesteps;
  switch (timestep_spacing_) {
    case TimestepSpacing::linspace:
      timesteps = sm::reversed(sm::round_half_even(sm::linspace(0, static_cast<double>(last - 1), n + 1)));
      timesteps.pop_back();
      break;
    case TimestepSpacing::leading: {
      const int64_t ratio = last / (n + 1);
      for (int64_t i = n; i >= 1; --i) timesteps.push_back(static_cast<double>(i * ratio + steps_offset_));
      break;
    }
    case TimestepSpacing::trailing: {
      const double ratio = static_cast<double>(schedule_.num_train_timesteps) / static_cast<double>(n);
      for (const double t : sm::arange(static_cast<double>(last), 0, -ratio)) timesteps.push_back(sm::round_half_even(t) - 1);
      break;
    }
  }
  return timesteps;
}

void MultistepSchedulerBase::compute_timesteps(int64_t n) {
  auto timesteps = spaced_timesteps(n);
  const auto table = sm::sigmas_from_alphas_cumprod(schedule_.alphas_cumprod_values);

  std::vector<double> sigmas;
  // "sigma_min": the smallest training sigma (a Karras schedule ends there too).
  const double final_sigma = options_.final_sigma_is_min ? table.front() : 0.0;
  if (options_.use_karras_sigmas) {
    sigmas = sm::karras_sigmas(table.front(), table.back(), n);
    const auto log_sigmas = sm::log_of(table);
    timesteps.clear();
    for (const double sigma : sigmas) timesteps.push_back(sm::round_half_even(sm::sigma_to_t(sigma, log_sigmas)));
  } else {
    for (const double t : timesteps) sigmas.push_back(sm::interp(t, table));
  }

  sigmas_.clear();
  for (const double sigma : sigmas) sigmas_.push_back(static_cast<float>(sigma));
  sigmas_.push_back(static_cast<float>(final_sigma));

  std::vector<int64_t> integer_timesteps;
  for (const double t : timesteps) integer_timesteps.push_back(static_cast<int64_t>(t));
  timesteps_ = torch::tensor(integer_timesteps, torch::kInt64);

  model_outputs_.clear();
  lower_order_nums_ = 0;
  reset_solver_state();
}

torch::Tensor MultistepSchedulerBase::sigmas() const { return torch::tensor(sigmas_, torch::kFloat32); }

MultistepSchedulerBase::NoiseLevel MultistepSchedulerBase::noise_level(int64_t index) const {
  const float sigma = sigmas_.at(static_cast<std::size_t>(index));
  const float alpha_t = 1.0f / std::sqrt(sigma * sigma + 1.0f);
  const float sigma_t = sigma * alpha_t;
  return {alpha_t, sigma_t, std::log(alpha_t) - std::log(sigma_t)};
}

torch::Tensor MultistepSchedulerBase::predict_original_sample(const torch::Tensor& model_output,
                                                              const torch::Tensor& sample, int64_t index) const {
  const auto level = noise_level(index);
  switch (prediction_type_) {
    case PredictionType::epsilon:
      return (sample - level.sigma * model_output) / level.alpha;
    case PredictionType::v_prediction:
      return level.alpha * sample - level.sigma * model_output;
    case PredictionType::sample:
      break;
  }
  return model_output;
}

void MultistepSchedulerBase::push_model_output(const torch::Tensor& converted) {
  model_outputs_.push_back(converted);
  if (static_cast<int64_t>(model_outputs_.size()) > solver_order_) model_outputs_.erase(model_outputs_.begin());
}

const torch::Tensor& MultistepSchedulerBase::model_output_back(std::size_t age) const {
  if (age >= model_outputs_.size()) {
    throw std::logic_error(class_name() + ": no model output " + std::to_string(age) + " steps back");
  }
  return model_outputs_[model_outputs_.size() - 1 - age];
}

torch::Tensor MultistepSchedulerBase::add_noise(const torch::Tensor& original, const torch::Tensor& noise,
                                                const torch::Tensor& timesteps) const {
  std::vector<float> alpha;
  std::vector<float> sigma;
  for (const int64_t index : noise_step_indices(timesteps, /*missing_is_last=*/true)) {
    const auto level = noise_level(index);
    alpha.push_back(level.alpha);
    sigma.push_back(level.sigma);
  }
  return broadcast_coefficients(alpha, original) * original + broadcast_coefficients(sigma, original) * noise;
}

}  // namespace backdrop::models
