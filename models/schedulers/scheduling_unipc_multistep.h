#pragma once
// UniPC (Zhao et al. 2023), orders 1 and 2: diffusers' UniPCMultistepScheduler. Each step first
// corrects the current sample with the new model output (UniC), then predicts the next (UniP).

#include <set>

#include <nlohmann/json.hpp>

#include "models/schedulers/scheduling_multistep_common.h"

namespace backdrop::models {

class UniPCMultistepScheduler final : public MultistepSchedulerBase {
 public:
  explicit UniPCMultistepScheduler(const nlohmann::json& config = nlohmann::json::object());

  std::string class_name() const override { return "UniPCMultistepScheduler"; }

 private:
  explicit UniPCMultistepScheduler(const SchedulerConfig& config);

  void reset_solver_state() override;
  SchedulerOutput compute_step(const torch::Tensor& model_output, double timestep, const torch::Tensor& sample,
                               const StepOptions& options) override;
  // The converted model output: x0 (predict_x0) or epsilon.
  torch::Tensor convert_model_output(const torch::Tensor& model_output, const torch::Tensor& sample,
                                     int64_t index) const;
  torch::Tensor predictor_update(const torch::Tensor& sample, int64_t index, int64_t order) const;
  // Recomputes the current sample from the previous one with the new model output included.
  torch::Tensor corrector_update(const torch::Tensor& this_model_output, const torch::Tensor& last_sample,
                                 int64_t index, int64_t order) const;

  bool predict_x0_;
  bool bh2_;  // B(h) = e^h - 1 ("bh2") instead of h ("bh1")
  std::set<int64_t> disable_corrector_;

  torch::Tensor last_sample_;
  int64_t this_order_ = 1;
};

}  // namespace backdrop::models
