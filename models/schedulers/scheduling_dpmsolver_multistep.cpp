#include "models/schedulers/scheduling_dpmsolver_multistep.h"

#include <cmath>

#include <torch/torch.h>

namespace backdrop::models {

namespace {

MultistepSchedulerBase::ScheduleOptions read_schedule_options(const SchedulerConfig& config) {
  config.choice("algorithm_type", "dpmsolver++", {"dpmsolver++"});
  config.require_boolean("use_lu_lambdas", false, false);
  if (config.is_set("variance_type")) config.fail("variance_type", "learned variances are not supported");
  MultistepSchedulerBase::ScheduleOptions options;
  options.use_karras_sigmas = config.boolean("use_karras_sigmas", false);
  options.final_sigma_is_min = config.choice("final_sigmas_type", "zero", {"zero", "sigma_min"}) == "sigma_min";
  options.lambda_min_clipped = config.number("lambda_min_clipped", -std::numeric_limits<double>::infinity());
  return options;
}

bool read_heun(const SchedulerConfig& config) {
  // diffusers maps UniPC's and DEIS's solver types to midpoint.
  return config.choice("solver_type", "midpoint", {"midpoint", "heun", "logrho", "bh1", "bh2"}) == "heun";
}

}  // namespace

DPMSolverMultistepScheduler::DPMSolverMultistepScheduler(const nlohmann::json& config)
    : DPMSolverMultistepScheduler(SchedulerConfig(config, "DPMSolverMultistepScheduler")) {}

DPMSolverMultistepScheduler::DPMSolverMultistepScheduler(const SchedulerConfig& config)
    : MultistepSchedulerBase(config, read_schedule_options(config)),
      heun_(read_heun(config)),
      euler_at_final_(config.boolean("euler_at_final", false)),
      final_sigma_is_zero_(config.choice("final_sigmas_type", "zero", {"zero", "sigma_min"}) == "zero") {}

SchedulerOutput DPMSolverMultistepScheduler::compute_step(const torch::Tensor& model_output, double timestep,
                                                          const torch::Tensor& sample, const StepOptions& /*options*/) {
  const int64_t index = current_step_index(timestep, /*missing_is_last=*/true);
  const auto count = timesteps_.numel();
  // Lower orders at the end keep few-step runs stable (and the last step to sigma 0 is first order).
  // diffusers' `lower_order_second` only lowers order 3, which is not implemented.
  const bool short_run = lower_order_final_ && count < 15;
  const bool lower_order_final = index == count - 1 && (euler_at_final_ || short_run || final_sigma_is_zero_);

  const auto x0 = predict_original_sample(model_output, sample, index);
  push_model_output(x0);

  torch::Tensor prev_sample;
  if (solver_order_ == 1 || lower_order_nums_ < 1 || lower_order_final) {
    prev_sample = first_order_update(x0, sample, index);
  } else {
    prev_sample = second_order_update(sample, index);
  }
  if (lower_order_nums_ < solver_order_) ++lower_order_nums_;
  advance_step_index();
  return {prev_sample, x0};
}

torch::Tensor DPMSolverMultistepScheduler::first_order_update(const torch::Tensor& x0, const torch::Tensor& sample,
                                                              int64_t index) const {
  const auto t = noise_level(index + 1);
  const auto s = noise_level(index);
  const float h = t.lambda - s.lambda;
  return (t.sigma / s.sigma) * sample - (t.alpha * (std::exp(-h) - 1.0f)) * x0;
}

torch::Tensor DPMSolverMultistepScheduler::second_order_update(const torch::Tensor& sample, int64_t index) const {
  const auto t = noise_level(index + 1);
  const auto s0 = noise_level(index);
  const auto s1 = noise_level(index - 1);
  const auto& m0 = model_output_back(0);
  const auto& m1 = model_output_back(1);
  const float h = t.lambda - s0.lambda;
  const float h_0 = s0.lambda - s1.lambda;
  const float r0 = h_0 / h;
  const auto d1 = (1.0f / r0) * (m0 - m1);
  const float phi = t.alpha * (std::exp(-h) - 1.0f);
  const auto base = (t.sigma / s0.sigma) * sample - phi * m0;
  if (heun_) return base + (t.alpha * ((std::exp(-h) - 1.0f) / h + 1.0f)) * d1;
  return base - (0.5f * phi) * d1;
}

}  // namespace backdrop::models
