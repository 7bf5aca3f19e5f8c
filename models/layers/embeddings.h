#pragma once
// diffusers' timestep embeddings (models/embeddings.py): the sinusoidal projection
// (`get_timestep_embedding`, module `Timesteps`) and the MLP after it (`TimestepEmbedding`,
// parameters linear_1 and linear_2).

#include <cstdint>

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

namespace backdrop::models {

struct TimestepProjection {
  int64_t dim = 320;
  bool flip_sin_to_cos = true;  // true: [cos, sin] (SD 1.5); false: [sin, cos]
  double freq_shift = 0.0;      // diffusers' downscale_freq_shift
  double max_period = 10000.0;
};

// timesteps [N] (any integer or floating dtype) -> [N, dim] float32 sinusoidal features:
// freqs = exp(-ln(max_period) * arange(half) / (half - freq_shift)), args = t * freqs,
// then cat(sin, cos) or cat(cos, sin), zero-padded by one column when dim is odd.
torch::Tensor timestep_embedding(const torch::Tensor& timesteps, const TimestepProjection& projection);

// A 0-dim timestep or one per batch item -> one float per batch item (diffusers' broadcast).
// Throws std::invalid_argument naming the shapes when the count matches neither.
torch::Tensor broadcast_timesteps(const torch::Tensor& timesteps, int64_t batch, const torch::Device& device);

class TimestepEmbeddingImpl : public torch::nn::Module {
 public:
  TimestepEmbeddingImpl(int64_t in_channels, int64_t time_embed_dim);
  // linear_2(silu(linear_1(x)))
  torch::Tensor forward(const torch::Tensor& sample);

 private:
  torch::nn::Linear linear_1_{nullptr};
  torch::nn::Linear linear_2_{nullptr};
};
TORCH_MODULE(TimestepEmbedding);

}  // namespace backdrop::models
