#pragma once
// Ancestral Euler sampling: diffusers' EulerAncestralDiscreteScheduler. Each step goes down to
// sigma_down with an Euler step and adds fresh noise of level sigma_up (from StepOptions).

#include <nlohmann/json.hpp>

#include "models/schedulers/scheduling_euler_common.h"

namespace backdrop::models {

class EulerAncestralDiscreteScheduler final : public EulerSchedulerBase {
 public:
  explicit EulerAncestralDiscreteScheduler(const nlohmann::json& config = nlohmann::json::object());

  std::string class_name() const override { return "EulerAncestralDiscreteScheduler"; }

 private:
  explicit EulerAncestralDiscreteScheduler(const SchedulerConfig& config);

  SchedulerOutput compute_step(const torch::Tensor& model_output, double timestep, const torch::Tensor& sample,
                               const StepOptions& options) override;
};

}  // namespace backdrop::models
