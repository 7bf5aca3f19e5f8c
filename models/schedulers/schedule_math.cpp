#include "models/schedulers/schedule_math.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace backdrop::models::schedule_math {

std::vector<double> linspace(double start, double stop, int64_t num) {
  if (num <= 0) return {};
  if (num == 1) return {start};
  const double step = (stop - start) / static_cast<double>(num - 1);
  std::vector<double> values(static_cast<std::size_t>(num));
  for (int64_t i = 0; i < num; ++i) values[static_cast<std::size_t>(i)] = static_cast<double>(i) * step + start;
  values.back() = stop;
  return values;
}

std::vector<double> arange(double start, double stop, double step) {
  if (step == 0.0) throw std::invalid_argument("arange: zero step");
  const double count = std::ceil((stop - start) / step);
  if (!(count > 0)) return {};
  const auto length = static_cast<std::size_t>(count);
  std::vector<double> values(length);
  values[0] = start;
  if (length > 1) {
    // numpy fills from the first two values: delta = (start + step) - start.
    const double second = start + step;
    const double delta = second - start;
    values[1] = second;
    for (std::size_t i = 2; i < length; ++i) values[i] = start + static_cast<double>(i) * delta;
  }
  return values;
}

double round_half_even(double value) { return std::nearbyint(value); }

std::vector<double> round_half_even(std::vector<double> values) {
  for (auto& value : values) value = round_half_even(value);
  return values;
}

std::vector<double> reversed(std::vector<double> values) {
  std::reverse(values.begin(), values.end());
  return values;
}

double interp(double x, const std::vector<float>& table) {
  if (table.empty()) throw std::invalid_argument("interp: empty table");
  const auto last = static_cast<double>(table.size() - 1);
  if (x <= 0.0) return table.front();
  if (x >= last) return table.back();
  const auto j = static_cast<std::size_t>(std::floor(x));
  const double slope = (static_cast<double>(table[j + 1]) - static_cast<double>(table[j])) / 1.0;
  return slope * (x - static_cast<double>(j)) + static_cast<double>(table[j]);
}

std::vector<float> sigmas_from_alphas_cumprod(const std::vector<float>& alphas_cumprod) {
  std::vector<float> sigmas(alphas_cumprod.size());
  for (std::size_t i = 0; i < alphas_cumprod.size(); ++i) {
    const float alpha = alphas_cumprod[i];
    sigmas[i] = std::sqrt((1.0f - alpha) / alpha);
  }
  return sigmas;
}

std::vector<double> karras_sigmas(double sigma_min, double sigma_max, int64_t num_inference_steps) {
  constexpr double rho = 7.0;
  const double min_inv_rho = std::pow(sigma_min, 1.0 / rho);
  const double max_inv_rho = std::pow(sigma_max, 1.0 / rho);
  auto sigmas = linspace(0.0, 1.0, num_inference_steps);
  for (auto& ramp : sigmas) ramp = std::pow(max_inv_rho + ramp * (min_inv_rho - max_inv_rho), rho);
  return sigmas;
}

std::vector<float> log_of(const std::vector<float>& values) {
  std::vector<float> logs(values.size());
  std::transform(values.begin(), values.end(), logs.begin(), [](float v) { return std::log(v); });
  return logs;
}

double sigma_to_t(double sigma, const std::vector<float>& log_sigmas) {
  if (log_sigmas.size() < 2) throw std::invalid_argument("sigma_to_t: fewer than 2 training sigmas");
  // numpy 1.x: a float64 scalar against a float32 array computes in float32.
  const auto log_sigma = static_cast<float>(std::log(std::max(sigma, 1e-10)));
  std::size_t low_index = 0;
  for (std::size_t i = 0; i < log_sigmas.size(); ++i) {
    if (log_sigma - log_sigmas[i] >= 0.0f) low_index = i;
  }
  low_index = std::min(low_index, log_sigmas.size() - 2);
  const std::size_t high_index = low_index + 1;
  const float low = log_sigmas[low_index];
  const float high = log_sigmas[high_index];
  const float w = std::clamp((low - log_sigma) / (low - high), 0.0f, 1.0f);
  return static_cast<double>(1.0f - w) * static_cast<double>(low_index) +
         static_cast<double>(w) * static_cast<double>(high_index);
}

}  // namespace backdrop::models::schedule_math
