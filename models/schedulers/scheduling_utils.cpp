#include "models/schedulers/scheduling_utils.h"

#include <cmath>
#include <numbers>

#include <torch/torch.h>

#include "models/schedulers/schedule_math.h"

namespace backdrop::models {

namespace {

// diffusers' betas_for_alpha_bar (cosine, max_beta 0.999), computed in float64 and stored in float32.
torch::Tensor squaredcos_cap_v2_betas(int64_t num_train_timesteps) {
  const auto alpha_bar = [](double t) {
    const double c = std::cos((t + 0.008) / 1.008 * std::numbers::pi / 2.0);
    return c * c;
  };
  std::vector<float> betas(static_cast<std::size_t>(num_train_timesteps));
  const auto steps = static_cast<double>(num_train_timesteps);
  for (int64_t i = 0; i < num_train_timesteps; ++i) {
    const double t1 = static_cast<double>(i) / steps;
    const double t2 = static_cast<double>(i + 1) / steps;
    betas[static_cast<std::size_t>(i)] = static_cast<float>(std::min(1.0 - alpha_bar(t2) / alpha_bar(t1), 0.999));
  }
  return torch::tensor(betas, torch::kFloat32);
}

// Lin et al. (2023), Algorithm 1: rescale betas to a zero terminal signal-to-noise ratio.
torch::Tensor rescale_zero_terminal_snr(const torch::Tensor& betas) {
  const auto alphas_cumprod = torch::cumprod(1.0 - betas, 0);
  auto alphas_bar_sqrt = alphas_cumprod.sqrt();
  const auto first = alphas_bar_sqrt[0].clone();
  const auto last = alphas_bar_sqrt[-1].clone();
  alphas_bar_sqrt = (alphas_bar_sqrt - last) * (first / (first - last));
  const auto alphas_bar = alphas_bar_sqrt.pow(2);
  const auto alphas = torch::cat({alphas_bar.slice(0, 0, 1), alphas_bar.slice(0, 1) / alphas_bar.slice(0, 0, -1)});
  return 1 - alphas;
}

torch::Tensor upcast(const torch::Tensor& tensor) {
  if (tensor.is_floating_point() && tensor.element_size() < 4) return tensor.to(torch::kFloat32);
  return tensor;
}

}  // namespace

PredictionType read_prediction_type(const SchedulerConfig& config) {
  const auto value = config.choice("prediction_type", "epsilon", {"epsilon", "v_prediction", "sample"});
  if (value == "v_prediction") return PredictionType::v_prediction;
  if (value == "sample") return PredictionType::sample;
  return PredictionType::epsilon;
}

TimestepSpacing read_timestep_spacing(const SchedulerConfig& config, const char* fallback) {
  const auto value = config.choice("timestep_spacing", fallback, {"leading", "linspace", "trailing"});
  if (value == "linspace") return TimestepSpacing::linspace;
  if (value == "trailing") return TimestepSpacing::trailing;
  return TimestepSpacing::leading;
}

std::vector<int64_t> spaced_timesteps(TimestepSpacing spacing, int64_t train, int64_t n, int64_t steps_offset) {
  namespace sm = schedule_math;
  std::vector<int64_t> timesteps;
  switch (spacing) {
    case TimestepSpacing::linspace:
      for (const double t : sm::reversed(sm::round_half_even(sm::linspace(0, static_cast<double>(train - 1), n)))) {
        timesteps.push_back(static_cast<int64_t>(t));
      }
      break;
    case TimestepSpacing::leading:
      for (int64_t i = n - 1; i >= 0; --i) timesteps.push_back(i * (train / n) + steps_offset);
      break;
    case TimestepSpacing::trailing: {
      const double ratio = static_cast<double>(train) / static_cast<double>(n);
      for (const double t : sm::arange(static_cast<double>(train), 0, -ratio)) {
        timesteps.push_back(static_cast<int64_t>(sm::round_half_even(t)) - 1);
      }
      break;
    }
  }
  return timesteps;
}

NoiseSchedule make_noise_schedule(const SchedulerConfig& config, bool reads_zero_snr_option) {
  NoiseSchedule schedule;
  schedule.num_train_timesteps = config.integer("num_train_timesteps", 1000);
  if (schedule.num_train_timesteps < 2) config.fail("num_train_timesteps", "must be at least 2");
  const double beta_start = config.number("beta_start", 0.0001);
  const double beta_end = config.number("beta_end", 0.02);
  const auto trained_betas = config.numbers("trained_betas");

  torch::Tensor betas;
  if (!trained_betas.empty()) {
    if (static_cast<int64_t>(trained_betas.size()) != schedule.num_train_timesteps) {
      config.fail("trained_betas", "has " + std::to_string(trained_betas.size()) + " values, but num_train_timesteps is " +
                                       std::to_string(schedule.num_train_timesteps));
    }
    betas = torch::tensor(trained_betas, torch::kFloat64).to(torch::kFloat32);
  } else {
    const auto kind = config.choice("beta_schedule", "linear", {"linear", "scaled_linear", "squaredcos_cap_v2"});
    const auto options = torch::TensorOptions().dtype(torch::kFloat32);
    if (kind == "linear") {
      betas = torch::linspace(beta_start, beta_end, schedule.num_train_timesteps, options);
    } else if (kind == "scaled_linear") {
      betas = torch::linspace(std::pow(beta_start, 0.5), std::pow(beta_end, 0.5), schedule.num_train_timesteps, options)
                  .pow(2);
    } else {
      betas = squaredcos_cap_v2_betas(schedule.num_train_timesteps);
    }
  }
  if (reads_zero_snr_option && config.boolean("rescale_betas_zero_snr", false)) {
    betas = rescale_zero_terminal_snr(betas);
  }
  schedule.betas = betas.contiguous();
  schedule.alphas_cumprod = torch::cumprod(1.0 - schedule.betas, 0).contiguous();
  const float* data = schedule.alphas_cumprod.data_ptr<float>();
  schedule.alphas_cumprod_values.assign(data, data + schedule.alphas_cumprod.numel());
  return schedule;
}

Scheduler::Scheduler(const SchedulerConfig& config, bool reads_zero_snr_option)
    : schedule_(make_noise_schedule(config, reads_zero_snr_option)) {}

void Scheduler::set_timesteps(int64_t num_inference_steps) {
  if (num_inference_steps < 1) {
    throw SchedulerConfigError(class_name() + ": num_inference_steps must be at least 1, got " +
                               std::to_string(num_inference_steps));
  }
  if (num_inference_steps > schedule_.num_train_timesteps) {
    throw SchedulerConfigError(class_name() + ": num_inference_steps " + std::to_string(num_inference_steps) +
                               " exceeds num_train_timesteps " + std::to_string(schedule_.num_train_timesteps));
  }
  num_inference_steps_ = num_inference_steps;
  step_index_.reset();
  begin_index_.reset();
  compute_timesteps(num_inference_steps);
}

std::vector<double> Scheduler::timestep_values() const {
  if (!timesteps_.defined()) return {};
  const auto values = timesteps_.to(torch::kFloat64).contiguous();
  return {values.data_ptr<double>(), values.data_ptr<double>() + values.numel()};
}

torch::Tensor Scheduler::scale_model_input(const torch::Tensor& sample, double timestep) {
  if (num_inference_steps_ == 0) throw std::logic_error(class_name() + ": call set_timesteps before scale_model_input");
  return compute_model_input(sample, timestep);
}

SchedulerOutput Scheduler::step(const torch::Tensor& model_output, double timestep, const torch::Tensor& sample,
                                const StepOptions& options) {
  if (num_inference_steps_ == 0) throw std::logic_error(class_name() + ": call set_timesteps before step");
  if (model_output.sizes() != sample.sizes()) {
    throw std::invalid_argument(class_name() + ".step: model output " + c10::str(model_output.sizes()) +
                                " and sample " + c10::str(sample.sizes()) + " differ in shape");
  }
  auto output = compute_step(upcast(model_output), timestep, upcast(sample), options);
  const auto dtype = model_output.scalar_type();
  output.prev_sample = output.prev_sample.to(dtype);
  if (output.pred_original_sample.defined()) output.pred_original_sample = output.pred_original_sample.to(dtype);
  if (output.denoised.defined()) output.denoised = output.denoised.to(dtype);
  return output;
}

const torch::Tensor& result_sample(const SchedulerOutput& output) {
  return output.denoised.defined() ? output.denoised : output.prev_sample;
}

torch::Tensor Scheduler::add_noise(const torch::Tensor& original, const torch::Tensor& noise, double timestep) const {
  return add_noise(original, noise, torch::tensor(timestep, torch::kFloat64));
}

void Scheduler::set_begin_index(int64_t begin_index) {
  const int64_t count = timesteps_.defined() ? timesteps_.numel() : 0;
  if (begin_index < 0 || (timesteps_.defined() && begin_index > count)) {
    throw std::out_of_range(class_name() + ": begin index " + std::to_string(begin_index) + " outside the " +
                            std::to_string(count) + " timesteps");
  }
  begin_index_ = begin_index;
}

float Scheduler::alpha_cumprod(int64_t timestep) const {
  if (timestep < 0 || timestep >= schedule_.num_train_timesteps) {
    throw std::out_of_range(class_name() + ": timestep " + std::to_string(timestep) + " outside [0, " +
                            std::to_string(schedule_.num_train_timesteps) + ")");
  }
  return schedule_.alphas_cumprod_values[static_cast<std::size_t>(timestep)];
}

torch::Tensor Scheduler::add_noise_with_alphas_cumprod(const torch::Tensor& original, const torch::Tensor& noise,
                                                      const torch::Tensor& timesteps) const {
  std::vector<float> sqrt_alpha;
  std::vector<float> sqrt_one_minus_alpha;
  for (const double value : timestep_list(timesteps)) {
    if (std::floor(value) != value) {
      throw std::invalid_argument(class_name() + ".add_noise: timestep " + std::to_string(value) + " is not an integer");
    }
    const float alpha = alpha_cumprod(static_cast<int64_t>(value));
    sqrt_alpha.push_back(std::sqrt(alpha));
    sqrt_one_minus_alpha.push_back(std::sqrt(1.0f - alpha));
  }
  return broadcast_coefficients(sqrt_alpha, original) * original +
         broadcast_coefficients(sqrt_one_minus_alpha, original) * noise;
}

void Scheduler::floor_final_alpha_cumprod(const SchedulerConfig& config) {
  if (!config.boolean("rescale_betas_zero_snr", false)) return;
  constexpr float floor = 1.0f / 16777216.0f;  // 2^-24
  schedule_.alphas_cumprod_values.back() = floor;
  schedule_.alphas_cumprod = schedule_.alphas_cumprod.clone();
  schedule_.alphas_cumprod[-1] = floor;
}

int64_t Scheduler::index_for_timestep(double timestep, bool missing_is_last) const {
  const auto values = timestep_values();
  const bool float_timesteps = timesteps_.scalar_type() == torch::kFloat32;
  std::vector<int64_t> matches;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const bool equal = float_timesteps ? static_cast<float>(values[i]) == static_cast<float>(timestep)
                                       : values[i] == timestep;
    if (equal) matches.push_back(static_cast<int64_t>(i));
  }
  // A repeated timestep means the run started at its second occurrence (diffusers' rule).
  if (matches.size() > 1) return matches[1];
  if (matches.size() == 1) return matches[0];
  if (missing_is_last) return static_cast<int64_t>(values.size()) - 1;
  throw std::invalid_argument(class_name() + ": timestep " + std::to_string(timestep) + " is not in the schedule");
}

int64_t Scheduler::current_step_index(double timestep, bool missing_is_last) {
  if (!step_index_) step_index_ = begin_index_ ? *begin_index_ : index_for_timestep(timestep, missing_is_last);
  return *step_index_;
}

std::vector<int64_t> Scheduler::noise_step_indices(const torch::Tensor& timesteps, bool missing_is_last) const {
  const auto values = timestep_list(timesteps);
  std::vector<int64_t> indices;
  for (const double value : values) {
    if (!begin_index_) {
      indices.push_back(index_for_timestep(value, missing_is_last));
    } else {
      indices.push_back(step_index_ ? *step_index_ : *begin_index_);
    }
  }
  return indices;
}

torch::Tensor step_noise(const StepOptions& options, const torch::Tensor& like) {
  if (options.noise.defined()) {
    if (options.noise.sizes() != like.sizes()) {
      throw std::invalid_argument("step noise " + c10::str(options.noise.sizes()) + " does not match the sample " +
                                  c10::str(like.sizes()));
    }
    return options.noise.to(like.device(), like.scalar_type());
  }
  if (options.generator != nullptr) return options.generator->randn(like.sizes(), like.device(), like.scalar_type());
  return torch::randn(like.sizes(), torch::TensorOptions().dtype(torch::kFloat32)).to(like.device(), like.scalar_type());
}

torch::Tensor broadcast_coefficients(const std::vector<float>& values, const torch::Tensor& like) {
  const auto count = static_cast<int64_t>(values.size());
  if (like.dim() == 0 || (count != 1 && count != like.size(0))) {
    throw std::invalid_argument("add_noise: " + std::to_string(count) + " timesteps for samples " +
                                c10::str(like.sizes()));
  }
  std::vector<int64_t> shape(static_cast<std::size_t>(like.dim()), 1);
  shape[0] = count;
  return torch::tensor(values, torch::kFloat32).to(like.device(), like.scalar_type()).view(shape);
}

std::vector<double> timestep_list(const torch::Tensor& timesteps) {
  const auto values = timesteps.detach().to(torch::kCPU, torch::kFloat64).contiguous().flatten();
  return {values.data_ptr<double>(), values.data_ptr<double>() + values.numel()};
}

}  // namespace backdrop::models
