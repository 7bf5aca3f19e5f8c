#pragma once
// Euler's method on the probability-flow ODE: diffusers' EulerDiscreteScheduler (deterministic;
// `s_churn` 0, as every diffusers pipeline runs it).

#include <nlohmann/json.hpp>

#include "models/schedulers/scheduling_euler_common.h"

namespace backdrop::models {

class EulerDiscreteScheduler final : public EulerSchedulerBase {
 public:
  explicit EulerDiscreteScheduler(const nlohmann::json& config = nlohmann::json::object());

  std::string class_name() const override { return "EulerDiscreteScheduler"; }

 private:
  explicit EulerDiscreteScheduler(const SchedulerConfig& config);

  SchedulerOutput compute_step(const torch::Tensor& model_output, double timestep, const torch::Tensor& sample,
                               const StepOptions& options) override;
};

}  // namespace backdrop::models
