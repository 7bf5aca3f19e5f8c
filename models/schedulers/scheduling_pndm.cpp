#include "models/schedulers/scheduling_pndm.h"

#include <algorithm>
#include <cmath>

#include <torch/torch.h>

namespace backdrop::models {

PNDMScheduler::PNDMScheduler(const nlohmann::json& config) : PNDMScheduler(SchedulerConfig(config, "PNDMScheduler")) {}

PNDMScheduler::PNDMScheduler(const SchedulerConfig& config)
    : Scheduler(config, /*reads_zero_snr_option=*/false),
      prediction_type_(read_prediction_type(config)),
      timestep_spacing_(read_timestep_spacing(config, "leading")),
      steps_offset_(config.integer("steps_offset", 0)),
      skip_prk_steps_(config.boolean("skip_prk_steps", false)) {
  if (prediction_type_ == PredictionType::sample) config.fail("prediction_type", "PNDM supports epsilon and v_prediction");
  final_alpha_cumprod_ = config.boolean("set_alpha_to_one", false) ? 1.0f : schedule_.alphas_cumprod_values.front();
}

void PNDMScheduler::compute_timesteps(int64_t n) {
  const int64_t train = schedule_.num_train_timesteps;
  auto ascending = spaced_timesteps(timestep_spacing_, train, n, steps_offset_);
  std::reverse(ascending.begin(), ascending.end());
  std::vector<int64_t> plms;
  prk_timesteps_.clear();
  if (skip_prk_steps_) {
    // PLMS: the second-to-last ascending value (the second step) appears twice.
    plms.assign(ascending.begin(), ascending.end() - 1);
    if (ascending.size() >= 2) plms.push_back(ascending[ascending.size() - 2]);
    plms.push_back(ascending.back());
  } else {
    // The last 4 ascending values each with its half step, e.g. 801 826 851 ... 976 (without the
    // last), every value doubled but the ends: 801 826 826 851 ... 926 926 951, then reversed.
    constexpr std::size_t pndm_order = 4;
    const int64_t half_step = train / n / 2;
    std::vector<int64_t> with_halves;
    for (std::size_t i = ascending.size() - std::min(pndm_order, ascending.size()); i < ascending.size(); ++i) {
      with_halves.push_back(ascending[i]);
      with_halves.push_back(ascending[i] + half_step);
    }
    with_halves.pop_back();
    for (std::size_t i = 0; i < with_halves.size(); ++i) {
      if (i > 0) prk_timesteps_.push_back(with_halves[i]);
      if (i + 1 < with_halves.size()) prk_timesteps_.push_back(with_halves[i]);
    }
    std::reverse(prk_timesteps_.begin(), prk_timesteps_.end());
    if (ascending.size() > 3) plms.assign(ascending.begin(), ascending.end() - 3);
  }
  std::reverse(plms.begin(), plms.end());
  std::vector<int64_t> timesteps = prk_timesteps_;
  timesteps.insert(timesteps.end(), plms.begin(), plms.end());
  timesteps_ = torch::tensor(timesteps, torch::kInt64);

  ets_.clear();
  cur_sample_ = torch::Tensor();
  cur_model_output_ = torch::Tensor();
  counter_ = 0;
}

SchedulerOutput PNDMScheduler::compute_step(const torch::Tensor& model_output, double timestep,
                                            const torch::Tensor& sample, const StepOptions& /*options*/) {
  const auto t = static_cast<int64_t>(timestep);
  const bool runge_kutta = counter_ < static_cast<int64_t>(prk_timesteps_.size());
  auto prev_sample = runge_kutta ? step_prk(model_output, t, sample) : step_plms(model_output, t, sample);
  ++counter_;
  return {prev_sample, torch::Tensor()};
}

torch::Tensor PNDMScheduler::step_prk(const torch::Tensor& model_output, int64_t timestep,
                                      const torch::Tensor& sample) {
  // Four evaluations per step (at t, t - h/2 twice, t - h) combined with weights 1/6, 1/3, 1/3, 1/6;
  // each evaluation's sample is computed from the step's starting sample.
  const int64_t half_step = schedule_.num_train_timesteps / num_inference_steps_ / 2;
  const int64_t prev_timestep = timestep - (counter_ % 2 == 1 ? 0 : half_step);
  const int64_t step_start = prk_timesteps_[static_cast<std::size_t>(counter_ / 4 * 4)];

  auto estimate = model_output;
  switch (counter_ % 4) {
    case 0:
      cur_model_output_ = (1.0 / 6) * model_output;
      ets_.push_back(model_output);
      cur_sample_ = sample;
      break;
    case 1:
    case 2:
      cur_model_output_ = cur_model_output_ + (1.0 / 3) * model_output;
      break;
    default:
      estimate = cur_model_output_ + (1.0 / 6) * model_output;
      cur_model_output_ = torch::Tensor();
      break;
  }
  const auto& start = cur_sample_.defined() ? cur_sample_ : sample;
  return previous_sample(start, step_start, prev_timestep, estimate);
}

torch::Tensor PNDMScheduler::step_plms(const torch::Tensor& model_output, int64_t timestep_in,
                                       const torch::Tensor& sample_in) {
  const int64_t step_size = schedule_.num_train_timesteps / num_inference_steps_;
  auto timestep = timestep_in;
  int64_t prev_timestep = timestep - step_size;
  auto sample = sample_in;

  if (counter_ != 1) {
    if (ets_.size() > 3) ets_.erase(ets_.begin(), ets_.end() - 3);
    ets_.push_back(model_output);
  } else {
    // The repeated timestep: redo the first step from its sample with the averaged estimate.
    prev_timestep = timestep;
    timestep = timestep + step_size;
  }

  torch::Tensor estimate;
  const auto n = ets_.size();
  if (n == 1 && counter_ == 0) {
    estimate = model_output;
    cur_sample_ = sample;
  } else if (n == 1 && counter_ == 1) {
    estimate = (model_output + ets_.back()) / 2;
    sample = cur_sample_;
    cur_sample_ = torch::Tensor();
  } else if (n == 2) {
    estimate = (3 * ets_[1] - ets_[0]) / 2;
  } else if (n == 3) {
    estimate = (23 * ets_[2] - 16 * ets_[1] + 5 * ets_[0]) / 12;
  } else {
    estimate = (1.0 / 24) * (55 * ets_[3] - 59 * ets_[2] + 37 * ets_[1] - 9 * ets_[0]);
  }

  return previous_sample(sample, timestep, prev_timestep, estimate);
}

torch::Tensor PNDMScheduler::previous_sample(const torch::Tensor& sample, int64_t timestep, int64_t prev_timestep,
                                             const torch::Tensor& model_output) const {
  const float alpha_prod_t = alpha_cumprod(timestep);
  const float alpha_prod_t_prev = prev_timestep >= 0 ? alpha_cumprod(prev_timestep) : final_alpha_cumprod_;
  const float beta_prod_t = 1.0f - alpha_prod_t;
  const float beta_prod_t_prev = 1.0f - alpha_prod_t_prev;

  auto epsilon = model_output;
  if (prediction_type_ == PredictionType::v_prediction) {
    epsilon = std::sqrt(alpha_prod_t) * model_output + std::sqrt(beta_prod_t) * sample;
  }
  const float sample_coeff = std::sqrt(alpha_prod_t_prev / alpha_prod_t);
  const float denominator =
      alpha_prod_t * std::sqrt(beta_prod_t_prev) + std::sqrt(alpha_prod_t * beta_prod_t * alpha_prod_t_prev);
  return sample_coeff * sample - (alpha_prod_t_prev - alpha_prod_t) * epsilon / denominator;
}

torch::Tensor PNDMScheduler::add_noise(const torch::Tensor& original, const torch::Tensor& noise,
                                       const torch::Tensor& timesteps) const {
  return add_noise_with_alphas_cumprod(original, noise, timesteps);
}

}  // namespace backdrop::models
