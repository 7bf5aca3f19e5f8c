#include "models/schedulers/scheduling_unipc_multistep.h"

#include <array>
#include <cmath>

#include <torch/torch.h>

namespace backdrop::models {

namespace {

MultistepSchedulerBase::ScheduleOptions read_schedule_options(const SchedulerConfig& config) {
  if (config.is_set("solver_p")) config.fail("solver_p", "an external predictor is not supported");
  MultistepSchedulerBase::ScheduleOptions options;
  options.use_karras_sigmas = config.boolean("use_karras_sigmas", false);
  options.final_sigma_is_min = config.choice("final_sigmas_type", "zero", {"zero", "sigma_min"}) == "sigma_min";
  return options;
}

bool read_bh2(const SchedulerConfig& config) {
  // diffusers maps DPM-Solver's solver types to bh2.
  return config.choice("solver_type", "bh2", {"bh1", "bh2", "midpoint", "heun", "logrho"}) != "bh1";
}

std::set<int64_t> read_disable_corrector(const SchedulerConfig& config) {
  std::set<int64_t> steps;
  for (const double step : config.numbers("disable_corrector")) steps.insert(static_cast<int64_t>(step));
  return steps;
}

// The UniC / UniP weights: the first `order` coefficients b_k = h phi_k(h) k! / B(h), with
// phi_1 = (e^hh - 1) / hh and phi_{k+1} = (phi_k - 1/k!) / hh (Zhao et al., Eq. 8 and Appendix).
std::array<float, 2> b_coefficients(float hh, float b_h) {
  float h_phi_k = std::expm1(hh) / hh - 1.0f;
  float factorial = 1.0f;
  std::array<float, 2> b{};
  for (int i = 1; i <= 2; ++i) {
    b[static_cast<std::size_t>(i - 1)] = h_phi_k * factorial / b_h;
    factorial *= static_cast<float>(i + 1);
    h_phi_k = h_phi_k / hh - 1.0f / factorial;
  }
  return b;
}

// Solves [[1, 1], [rk, 1]] rho = b (LAPACK's partial pivoting).
std::array<float, 2> solve_order_two(float rk, std::array<float, 2> b) {
  float a00 = 1.0f, a01 = 1.0f, a10 = rk, a11 = 1.0f;
  if (std::abs(a10) > std::abs(a00)) {
    std::swap(a00, a10);
    std::swap(a01, a11);
    std::swap(b[0], b[1]);
  }
  const float factor = a10 / a00;
  const float rho1 = (b[1] - factor * b[0]) / (a11 - factor * a01);
  const float rho0 = (b[0] - a01 * rho1) / a00;
  return {rho0, rho1};
}

}  // namespace

UniPCMultistepScheduler::UniPCMultistepScheduler(const nlohmann::json& config)
    : UniPCMultistepScheduler(SchedulerConfig(config, "UniPCMultistepScheduler")) {}

UniPCMultistepScheduler::UniPCMultistepScheduler(const SchedulerConfig& config)
    : MultistepSchedulerBase(config, read_schedule_options(config)),
      predict_x0_(config.boolean("predict_x0", true)),
      bh2_(read_bh2(config)),
      disable_corrector_(read_disable_corrector(config)) {}

void UniPCMultistepScheduler::reset_solver_state() {
  last_sample_ = torch::Tensor();
  this_order_ = 1;
}

torch::Tensor UniPCMultistepScheduler::convert_model_output(const torch::Tensor& model_output,
                                                            const torch::Tensor& sample, int64_t index) const {
  if (predict_x0_) return predict_original_sample(model_output, sample, index);
  const auto level = noise_level(index);
  switch (prediction_type_) {
    case PredictionType::epsilon:
      break;
    case PredictionType::sample:
      return (sample - level.alpha * model_output) / level.sigma;
    case PredictionType::v_prediction:
      return level.alpha * model_output + level.sigma * sample;
  }
  return model_output;
}

SchedulerOutput UniPCMultistepScheduler::compute_step(const torch::Tensor& model_output, double timestep,
                                                      const torch::Tensor& sample_in, const StepOptions& /*options*/) {
  const int64_t index = current_step_index(timestep, /*missing_is_last=*/true);
  const bool use_corrector = index > 0 && disable_corrector_.count(index - 1) == 0 && last_sample_.defined();
  const auto converted = convert_model_output(model_output, sample_in, index);

  auto sample = sample_in;
  if (use_corrector) sample = corrector_update(converted, last_sample_, index, this_order_);
  push_model_output(converted);

  const int64_t remaining = timesteps_.numel() - index;
  const int64_t order = lower_order_final_ ? std::min(solver_order_, remaining) : solver_order_;
  this_order_ = std::min(order, lower_order_nums_ + 1);  // warm-up: one more history entry per step
  last_sample_ = sample;

  auto prev_sample = predictor_update(sample, index, this_order_);
  if (lower_order_nums_ < solver_order_) ++lower_order_nums_;
  advance_step_index();
  return {prev_sample, predict_x0_ ? converted : torch::Tensor()};
}

torch::Tensor UniPCMultistepScheduler::predictor_update(const torch::Tensor& x, int64_t index, int64_t order) const {
  const auto t = noise_level(index + 1);
  const auto s0 = noise_level(index);
  const auto& m0 = model_output_back(0);
  const float h = t.lambda - s0.lambda;
  const float hh = predict_x0_ ? -h : h;
  const float h_phi_1 = std::expm1(hh);
  const float b_h = bh2_ ? std::expm1(hh) : hh;

  torch::Tensor pred_res;
  if (order == 2) {
    const auto s1 = noise_level(index - 1);
    const float rk = (s1.lambda - s0.lambda) / h;
    pred_res = 0.5f * ((model_output_back(1) - m0) / rk);  // rho_p = 1/2 for order 2
  }
  if (predict_x0_) {
    const auto x_t = t.sigma / s0.sigma * x - t.alpha * h_phi_1 * m0;
    return pred_res.defined() ? x_t - t.alpha * b_h * pred_res : x_t;
  }
  const auto x_t = t.alpha / s0.alpha * x - t.sigma * h_phi_1 * m0;
  return pred_res.defined() ? x_t - t.sigma * b_h * pred_res : x_t;
}

torch::Tensor UniPCMultistepScheduler::corrector_update(const torch::Tensor& this_model_output,
                                                        const torch::Tensor& last_sample, int64_t index,
                                                        int64_t order) const {
  const auto t = noise_level(index);
  const auto s0 = noise_level(index - 1);
  const auto& m0 = model_output_back(0);
  const float h = t.lambda - s0.lambda;
  const float hh = predict_x0_ ? -h : h;
  const float h_phi_1 = std::expm1(hh);
  const float b_h = bh2_ ? std::expm1(hh) : hh;

  float rho_last = 0.5f;  // rho_c for order 1
  torch::Tensor corr_res;
  if (order == 2) {
    const auto s1 = noise_level(index - 2);
    const float rk = (s1.lambda - s0.lambda) / h;
    const auto rhos = solve_order_two(rk, b_coefficients(hh, b_h));
    corr_res = rhos[0] * ((model_output_back(1) - m0) / rk);
    rho_last = rhos[1];
  }
  const auto d1_t = this_model_output - m0;
  auto correction = rho_last * d1_t;
  if (corr_res.defined()) correction = corr_res + correction;
  if (predict_x0_) return t.sigma / s0.sigma * last_sample - t.alpha * h_phi_1 * m0 - t.alpha * b_h * correction;
  return t.alpha / s0.alpha * last_sample - t.sigma * h_phi_1 * m0 - t.sigma * b_h * correction;
}

}  // namespace backdrop::models
