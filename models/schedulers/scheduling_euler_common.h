#pragma once
// What the two Euler schedulers (Karras et al. 2022, Algorithm 2, as diffusers implements them)
// share: float timesteps, the noise levels sigma = sqrt((1 - alphas_cumprod) / alphas_cumprod)
// interpolated at them (optionally Karras-spaced), the input scaling 1 / sqrt(sigma^2 + 1), the
// x0 estimate and add_noise (x + sigma * noise).

#include <optional>
#include <vector>

#include "models/schedulers/scheduling_utils.h"

namespace backdrop::models {

class EulerSchedulerBase : public Scheduler {
 public:
  struct SigmaOptions {
    bool use_karras_sigmas = false;
    std::optional<double> sigma_min;  // Karras range; default: the interpolated extremes
    std::optional<double> sigma_max;
    bool final_sigma_is_min = false;  // final_sigmas_type "sigma_min" instead of "zero"
  };

  torch::Tensor sigmas() const override;
  double init_noise_sigma() const override;
  torch::Tensor add_noise(const torch::Tensor& original, const torch::Tensor& noise,
                          const torch::Tensor& timesteps) const override;

 protected:
  EulerSchedulerBase(const SchedulerConfig& config, SigmaOptions options);

  void compute_timesteps(int64_t num_inference_steps) override;
  torch::Tensor compute_model_input(const torch::Tensor& sample, double timestep) override;

  // The clean-sample estimate of the model output at noise level `sigma`.
  torch::Tensor predict_original_sample(const torch::Tensor& model_output, const torch::Tensor& sample,
                                        float sigma) const;
  float sigma_at(int64_t index) const { return sigmas_.at(static_cast<std::size_t>(index)); }

  PredictionType prediction_type_;

 private:
  std::vector<double> spaced_timesteps(int64_t num_inference_steps) const;

  TimestepSpacing timestep_spacing_;
  int64_t steps_offset_;
  SigmaOptions sigma_options_;
  std::vector<float> sigmas_;  // one per timestep, then the final one
};

}  // namespace backdrop::models
