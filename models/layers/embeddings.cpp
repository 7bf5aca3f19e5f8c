#include "models/layers/embeddings.h"

#include <cmath>
#include <stdexcept>

#include <torch/torch.h>

namespace backdrop::models {

torch::Tensor timestep_embedding(const torch::Tensor& timesteps, const TimestepProjection& projection) {
  if (timesteps.dim() != 1) {
    throw std::invalid_argument("timestep_embedding: expected timesteps [N], got " + c10::str(timesteps.sizes()));
  }
  const int64_t half = projection.dim / 2;
  const auto float32 = torch::TensorOptions().dtype(torch::kFloat32).device(timesteps.device());
  // Same operation order as diffusers, in float32, so that large timesteps round identically.
  const torch::Tensor exponent =
      torch::arange(0, half, float32) * (-std::log(projection.max_period)) / (half - projection.freq_shift);
  const torch::Tensor args = timesteps.to(torch::kFloat32).unsqueeze(1) * torch::exp(exponent).unsqueeze(0);
  torch::Tensor embedding = projection.flip_sin_to_cos ? torch::cat({torch::cos(args), torch::sin(args)}, -1)
                                                       : torch::cat({torch::sin(args), torch::cos(args)}, -1);
  if (projection.dim % 2 == 1) embedding = torch::constant_pad_nd(embedding, {0, 1});
  return embedding;
}

torch::Tensor broadcast_timesteps(const torch::Tensor& timesteps, int64_t batch, const torch::Device& device) {
  if (timesteps.dim() == 0 || (timesteps.dim() == 1 && timesteps.size(0) == 1)) {
    return timesteps.reshape({1}).to(device).expand({batch});
  }
  if (timesteps.dim() == 1 && timesteps.size(0) == batch) return timesteps.to(device);
  throw std::invalid_argument("timesteps: expected a 0-dim tensor or one per batch item (" + std::to_string(batch) +
                              "), got " + c10::str(timesteps.sizes()));
}

TimestepEmbeddingImpl::TimestepEmbeddingImpl(int64_t in_channels, int64_t time_embed_dim)
    : linear_1_(register_module("linear_1", torch::nn::Linear(in_channels, time_embed_dim))),
      linear_2_(register_module("linear_2", torch::nn::Linear(time_embed_dim, time_embed_dim))) {}

torch::Tensor TimestepEmbeddingImpl::forward(const torch::Tensor& sample) {
  return linear_2_(torch::silu(linear_1_(sample)));
}

}  // namespace backdrop::models
