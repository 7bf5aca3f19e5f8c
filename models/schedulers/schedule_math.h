#pragma once
// The numpy arithmetic diffusers builds its schedules with, reproduced value for value: timesteps
// must match exactly, so linspace, arange and rounding follow numpy's definitions (float64,
// round half to even), and sigma interpolation follows np.interp.

#include <cstdint>
#include <vector>

namespace backdrop::models::schedule_math {

// np.linspace(start, stop, num): start + i * ((stop - start) / (num - 1)), the last value = stop.
std::vector<double> linspace(double start, double stop, int64_t num);
// np.arange(start, stop, step) for a float step: ceil((stop - start) / step) values.
std::vector<double> arange(double start, double stop, double step);
// np.round: half to even.
double round_half_even(double value);
std::vector<double> round_half_even(std::vector<double> values);
std::vector<double> reversed(std::vector<double> values);

// np.interp(x, arange(len(table)), table) for x in [0, len - 1].
double interp(double x, const std::vector<float>& table);

// sqrt((1 - alphas_cumprod) / alphas_cumprod), in float32 like diffusers' torch expression.
std::vector<float> sigmas_from_alphas_cumprod(const std::vector<float>& alphas_cumprod);

// Karras et al. (2022) noise levels: rho = 7 interpolation between sigma_max and sigma_min.
std::vector<double> karras_sigmas(double sigma_min, double sigma_max, int64_t num_inference_steps);

// The fractional training timestep of a noise level: linear interpolation of log sigma in the
// table of training sigmas (diffusers' `_sigma_to_t`, with numpy 1.x float32 arithmetic).
double sigma_to_t(double sigma, const std::vector<float>& log_sigmas);
std::vector<float> log_of(const std::vector<float>& values);

}  // namespace backdrop::models::schedule_math
