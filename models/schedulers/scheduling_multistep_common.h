#pragma once
// What the two multistep solvers (DPM-Solver++ and UniPC, as diffusers implements them) share:
// integer timesteps over n + 1 points without the last, noise levels interpolated at them
// (optionally Karras-spaced with rounded timesteps), the variance-preserving alpha_t / sigma_t /
// lambda_t = log(alpha_t / sigma_t) of a noise level, the data (x0) prediction, the history of
// converted model outputs, and add_noise (alpha_t x + sigma_t noise).

#include <limits>
#include <vector>

#include "models/schedulers/scheduling_utils.h"

namespace backdrop::models {

class MultistepSchedulerBase : public Scheduler {
 public:
  struct ScheduleOptions {
    bool use_karras_sigmas = false;
    bool final_sigma_is_min = false;  // final_sigmas_type "sigma_min" instead of "zero"
    double lambda_min_clipped = -std::numeric_limits<double>::infinity();
  };

  torch::Tensor sigmas() const override;
  torch::Tensor add_noise(const torch::Tensor& original, const torch::Tensor& noise,
                          const torch::Tensor& timesteps) const override;

 protected:
  MultistepSchedulerBase(const SchedulerConfig& config, ScheduleOptions options);

  // Resets the history; subclasses reset their own state in `reset_solver_state`.
  void compute_timesteps(int64_t num_inference_steps) override;
  virtual void reset_solver_state() {}

  struct NoiseLevel {
    float alpha;   // alpha_t = 1 / sqrt(sigma^2 + 1)
    float sigma;   // sigma_t = sigma * alpha_t
    float lambda;  // log(alpha_t) - log(sigma_t); +inf at the final sigma 0
  };
  NoiseLevel noise_level(int64_t index) const;

  // The data prediction x0 of the model output at schedule index `index`.
  torch::Tensor predict_original_sample(const torch::Tensor& model_output, const torch::Tensor& sample,
                                        int64_t index) const;
  // The history of converted model outputs, newest last (at most solver_order).
  void push_model_output(const torch::Tensor& converted);
  const torch::Tensor& model_output_back(std::size_t age) const;  // 0 = newest

  PredictionType prediction_type_;
  int64_t solver_order_;
  bool lower_order_final_;
  int64_t lower_order_nums_ = 0;

 private:
  std::vector<double> spaced_timesteps(int64_t num_inference_steps) const;
  int64_t last_timestep() const;

  TimestepSpacing timestep_spacing_;
  int64_t steps_offset_;
  ScheduleOptions options_;
  std::vector<float> sigmas_;
  std::vector<torch::Tensor> model_outputs_;
};

// The solver order option (1 or 2 are implemented).
int64_t read_solver_order(const SchedulerConfig& config);

}  // namespace backdrop::models
