#pragma once
// Schedulers from diffusers scheduler configs: by the config's `_class_name`, or by a short name
// (the command line's --scheduler) applied to any scheduler config, like diffusers'
// `XScheduler.from_config(pipe.scheduler.config)`: the options the class knows are taken, the
// others ignored.
//
//   name             class                               forced options
//   ddim             DDIMScheduler
//   pndm             PNDMScheduler
//   euler            EulerDiscreteScheduler
//   euler_ancestral  EulerAncestralDiscreteScheduler
//   dpmpp_2m         DPMSolverMultistepScheduler         dpmsolver++, order 2, no Karras sigmas
//   dpmpp_2m_karras  DPMSolverMultistepScheduler         dpmsolver++, order 2, Karras sigmas
//   unipc            UniPCMultistepScheduler
//   lcm              LCMScheduler (LCM-LoRA / LCM-distilled UNets, 2-8 steps)

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/schedulers/scheduling_utils.h"

namespace backdrop::models {

std::vector<std::string> scheduler_names();

// The class named by `_class_name`; throws SchedulerConfigError for a missing or unknown class
// and for any unsupported option value.
std::unique_ptr<Scheduler> make_scheduler(const nlohmann::json& config);
// `name` is a short name above or a diffusers class name.
std::unique_ptr<Scheduler> make_scheduler(const std::string& name, const nlohmann::json& config);
// A `scheduler_config.json` (diffusers writes `Infinity` for some options; that is accepted).
std::unique_ptr<Scheduler> load_scheduler(const std::filesystem::path& config_path);

}  // namespace backdrop::models
