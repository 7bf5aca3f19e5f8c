#pragma once
// DPM-Solver++ (Lu et al. 2022), multistep, orders 1 and 2: diffusers'
// DPMSolverMultistepScheduler with algorithm_type "dpmsolver++" ("DPM++ 2M", with Karras sigmas
// "DPM++ 2M Karras"). The final steps fall back to lower orders as diffusers does.

#include <nlohmann/json.hpp>

#include "models/schedulers/scheduling_multistep_common.h"

namespace backdrop::models {

class DPMSolverMultistepScheduler final : public MultistepSchedulerBase {
 public:
  explicit DPMSolverMultistepScheduler(const nlohmann::json& config = nlohmann::json::object());

  std::string class_name() const override { return "DPMSolverMultistepScheduler"; }

 private:
  explicit DPMSolverMultistepScheduler(const SchedulerConfig& config);

  SchedulerOutput compute_step(const torch::Tensor& model_output, double timestep, const torch::Tensor& sample,
                               const StepOptions& options) override;
  torch::Tensor first_order_update(const torch::Tensor& x0, const torch::Tensor& sample, int64_t index) const;
  torch::Tensor second_order_update(const torch::Tensor& sample, int64_t index) const;

  bool heun_;  // solver_type "heun" instead of "midpoint"
  bool euler_at_final_;
  bool final_sigma_is_zero_;
};

}  // namespace backdrop::models
