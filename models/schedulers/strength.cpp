#include "models/schedulers/strength.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <torch/torch.h>

namespace backdrop::models {

StrengthSchedule set_timesteps_for_strength(Scheduler& scheduler, int64_t num_inference_steps, double strength) {
  if (!(strength >= 0.0 && strength <= 1.0)) {
    throw std::invalid_argument("strength must be in [0, 1], got " + std::to_string(strength));
  }
  scheduler.set_timesteps(num_inference_steps);
  // int() truncates, as in diffusers: strength 0.75 of 10 steps runs 7.
  const auto init_timestep =
      std::min(static_cast<int64_t>(static_cast<double>(num_inference_steps) * strength), num_inference_steps);
  const int64_t t_start = std::max<int64_t>(num_inference_steps - init_timestep, 0);
  const int64_t begin = t_start * scheduler.order();
  scheduler.set_begin_index(begin);
  return {scheduler.timesteps().slice(0, begin), num_inference_steps - t_start, t_start};
}

}  // namespace backdrop::models
