#include "models/autoencoders/vae_blocks.h"

#include <torch/torch.h>

namespace backdrop::models {
namespace {

ResnetBlock2D make_resnet(int64_t in_channels, int64_t out_channels, const VaeBlockSettings& settings) {
  ResnetBlock2DOptions options;
  options.in_channels = in_channels;
  options.out_channels = out_channels;
  options.groups = settings.norm_num_groups;
  options.eps = settings.eps;
  return ResnetBlock2D(options);
}

// The first resnet changes the channel count, the others keep it; all are registered as `resnets`.
std::vector<ResnetBlock2D> register_resnets(torch::nn::Module& owner, int64_t in_channels, int64_t out_channels,
                                            int64_t num_layers, const VaeBlockSettings& settings) {
  std::vector<ResnetBlock2D> resnets;
  auto list = owner.register_module("resnets", torch::nn::ModuleList());
  for (int64_t layer = 0; layer < num_layers; ++layer) {
    resnets.push_back(make_resnet(layer == 0 ? in_channels : out_channels, out_channels, settings));
    list->push_back(resnets.back());
  }
  return resnets;
}

}  // namespace

DownEncoderBlock2DImpl::DownEncoderBlock2DImpl(int64_t in_channels, int64_t out_channels, int64_t num_layers,
                                               bool add_downsample, const VaeBlockSettings& settings)
    : resnets_(register_resnets(*this, in_channels, out_channels, num_layers, settings)) {
  if (add_downsample) {
    Downsample2DOptions options;
    options.channels = out_channels;
    options.padding = 0;
    downsampler_ = Downsample2D(options);
    register_module("downsamplers", torch::nn::ModuleList(downsampler_));
  }
}

torch::Tensor DownEncoderBlock2DImpl::forward(torch::Tensor hidden) {
  for (auto& resnet : resnets_) hidden = resnet(hidden);
  return downsampler_ ? downsampler_(hidden) : hidden;
}

UpDecoderBlock2DImpl::UpDecoderBlock2DImpl(int64_t in_channels, int64_t out_channels, int64_t num_layers,
                                           bool add_upsample, const VaeBlockSettings& settings)
    : resnets_(register_resnets(*this, in_channels, out_channels, num_layers, settings)) {
  if (add_upsample) {
    Upsample2DOptions options;
    options.channels = out_channels;
    upsampler_ = Upsample2D(options);
    register_module("upsamplers", torch::nn::ModuleList(upsampler_));
  }
}

torch::Tensor UpDecoderBlock2DImpl::forward(torch::Tensor hidden) {
  for (auto& resnet : resnets_) hidden = resnet(hidden);
  return upsampler_ ? upsampler_(hidden) : hidden;
}

UNetMidBlock2DImpl::UNetMidBlock2DImpl(int64_t channels, bool add_attention, const VaeBlockSettings& settings)
    : resnets_(register_resnets(*this, channels, channels, 2, settings)) {
  if (add_attention) {
    VaeAttentionOptions options;
    options.channels = channels;
    options.norm_num_groups = settings.norm_num_groups;
    options.eps = settings.eps;
    attention_ = VaeAttention(options);
    register_module("attentions", torch::nn::ModuleList(attention_));
  }
}

torch::Tensor UNetMidBlock2DImpl::forward(torch::Tensor hidden) {
  hidden = resnets_[0](hidden);
  if (attention_) hidden = attention_(hidden);
  return resnets_[1](hidden);
}

}  // namespace backdrop::models
