#pragma once
// img2img and inpainting: a run of `strength` in [0, 1] starts part-way through an N-step schedule
// (diffusers' `get_timesteps`): init_timestep = min(int(N * strength), N), t_start = N - init_timestep,
// and the run uses timesteps()[t_start * order:]. Its latents start as
// `scheduler.add_noise(image_latents, noise, timesteps[0])`; strength 1 starts from pure noise.

#include <cstdint>

#include <torch/types.h>

#include "models/schedulers/scheduling_utils.h"

namespace backdrop::models {

struct StrengthSchedule {
  torch::Tensor timesteps;          // the timesteps to run, in order (CPU)
  int64_t num_inference_steps = 0;  // N - t_start (the step count for the ControlNet guidance window)
  int64_t t_start = 0;              // steps of the N-step schedule that are skipped
};

// Sets the N-step schedule, skips the first t_start steps and tells the scheduler where it begins.
// Throws std::invalid_argument when strength is outside [0, 1].
StrengthSchedule set_timesteps_for_strength(Scheduler& scheduler, int64_t num_inference_steps, double strength);

}  // namespace backdrop::models
