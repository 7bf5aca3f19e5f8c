#pragma once
// diffusers' ResnetBlock2D (models/resnet.py): the residual block shared by the VAE, the UNet and
// ControlNet. Parameter names are diffusers': norm1, conv1, time_emb_proj, norm2, conv2,
// conv_shortcut.

#include <cstdint>
#include <string>

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

namespace backdrop::models {

// How the time embedding enters the block (diffusers' `time_embedding_norm`).
enum class TimeEmbeddingNorm {
  kDefault,     // h = h + proj(silu(temb))
  kScaleShift,  // scale, shift = proj(silu(temb)); h = norm2(h) * (1 + scale) + shift
};

struct ResnetBlock2DOptions {
  int64_t in_channels = 0;
  int64_t out_channels = 0;   // 0: same as in_channels
  int64_t temb_channels = 0;  // 0: no time embedding (VAE blocks); no time_emb_proj is created
  int64_t groups = 32;
  int64_t groups_out = 0;     // 0: same as groups
  double eps = 1e-6;
  double output_scale_factor = 1.0;
  TimeEmbeddingNorm time_embedding_norm = TimeEmbeddingNorm::kDefault;
};

class ResnetBlock2DImpl : public torch::nn::Module {
 public:
  explicit ResnetBlock2DImpl(const ResnetBlock2DOptions& options);

  // `temb` [B, temb_channels] is required exactly when the block was built with temb_channels > 0.
  // Dropout is an identity at inference and has no parameters, so it is not modelled.
  torch::Tensor forward(const torch::Tensor& input, const torch::Tensor& temb = {});

  int64_t in_channels() const { return in_channels_; }
  int64_t out_channels() const { return out_channels_; }

 private:
  int64_t in_channels_;
  int64_t out_channels_;
  double output_scale_factor_;
  TimeEmbeddingNorm time_embedding_norm_;

  torch::nn::GroupNorm norm1_{nullptr};
  torch::nn::Conv2d conv1_{nullptr};
  torch::nn::Linear time_emb_proj_{nullptr};
  torch::nn::GroupNorm norm2_{nullptr};
  torch::nn::Conv2d conv2_{nullptr};
  torch::nn::Conv2d conv_shortcut_{nullptr};
};
TORCH_MODULE(ResnetBlock2D);

}  // namespace backdrop::models
