#include "models/schedulers/scheduler_factory.h"

#include <functional>

#include "models/schedulers/scheduling_ddim.h"
#include "models/schedulers/scheduling_dpmsolver_multistep.h"
#include "models/schedulers/scheduling_euler_ancestral_discrete.h"
#include "models/schedulers/scheduling_euler_discrete.h"
#include "models/schedulers/scheduling_lcm.h"
#include "models/schedulers/scheduling_pndm.h"
#include "models/schedulers/scheduling_unipc_multistep.h"

namespace backdrop::models {

namespace {

using Constructor = std::function<std::unique_ptr<Scheduler>(const nlohmann::json&)>;

template <typename T>
Constructor constructor() {
  return [](const nlohmann::json& config) { return std::make_unique<T>(config); };
}

struct SchedulerClass {
  std::string class_name;
  Constructor construct;
};

const std::vector<SchedulerClass>& scheduler_classes() {
  static const std::vector<SchedulerClass> classes = {
      {"DDIMScheduler", constructor<DDIMScheduler>()},
      {"PNDMScheduler", constructor<PNDMScheduler>()},
      {"EulerDiscreteScheduler", constructor<EulerDiscreteScheduler>()},
      {"EulerAncestralDiscreteScheduler", constructor<EulerAncestralDiscreteScheduler>()},
      {"DPMSolverMultistepScheduler", constructor<DPMSolverMultistepScheduler>()},
      {"UniPCMultistepScheduler", constructor<UniPCMultistepScheduler>()},
      {"LCMScheduler", constructor<LCMScheduler>()},
  };
  return classes;
}

struct NamedScheduler {
  std::string name;
  std::string class_name;
  nlohmann::json forced_options;
};

const std::vector<NamedScheduler>& named_schedulers() {
  static const std::vector<NamedScheduler> names = {
      {"ddim", "DDIMScheduler", nlohmann::json::object()},
      {"pndm", "PNDMScheduler", nlohmann::json::object()},
      {"euler", "EulerDiscreteScheduler", nlohmann::json::object()},
      {"euler_ancestral", "EulerAncestralDiscreteScheduler", nlohmann::json::object()},
      {"dpmpp_2m", "DPMSolverMultistepScheduler",
       {{"algorithm_type", "dpmsolver++"}, {"solver_order", 2}, {"use_karras_sigmas", false}}},
      {"dpmpp_2m_karras", "DPMSolverMultistepScheduler",
       {{"algorithm_type", "dpmsolver++"}, {"solver_order", 2}, {"use_karras_sigmas", true}}},
      {"unipc", "UniPCMultistepScheduler", nlohmann::json::object()},
      {"lcm", "LCMScheduler", nlohmann::json::object()},
  };
  return names;
}

std::string known_names() {
  std::string list;
  for (const auto& named : named_schedulers()) list += (list.empty() ? "" : ", ") + named.name;
  for (const auto& cls : scheduler_classes()) list += ", " + cls.class_name;
  return list;
}

std::unique_ptr<Scheduler> construct(const std::string& class_name, const nlohmann::json& config) {
  for (const auto& cls : scheduler_classes()) {
    if (cls.class_name == class_name) return cls.construct(config);
  }
  throw SchedulerConfigError("unknown scheduler class '" + class_name + "' (supported: " + known_names() + ")");
}

}  // namespace

std::vector<std::string> scheduler_names() {
  std::vector<std::string> names;
  for (const auto& named : named_schedulers()) names.push_back(named.name);
  return names;
}

std::unique_ptr<Scheduler> make_scheduler(const nlohmann::json& config) {
  const auto it = config.find("_class_name");
  if (!config.is_object() || it == config.end() || !it->is_string()) {
    throw SchedulerConfigError("scheduler config: no _class_name naming the scheduler class");
  }
  return construct(it->get<std::string>(), config);
}

std::unique_ptr<Scheduler> make_scheduler(const std::string& name, const nlohmann::json& config) {
  if (!config.is_null() && !config.is_object()) throw SchedulerConfigError("scheduler config must be a JSON object");
  for (const auto& named : named_schedulers()) {
    if (named.name != name) continue;
    auto merged = config.is_null() ? nlohmann::json::object() : config;
    merged.update(named.forced_options);
    return construct(named.class_name, merged);
  }
  for (const auto& cls : scheduler_classes()) {
    if (cls.class_name == name) return cls.construct(config);
  }
  throw SchedulerConfigError("unknown scheduler '" + name + "' (supported: " + known_names() + ")");
}

std::unique_ptr<Scheduler> load_scheduler(const std::filesystem::path& config_path) {
  return make_scheduler(load_diffusers_json(config_path));
}

}  // namespace backdrop::models
