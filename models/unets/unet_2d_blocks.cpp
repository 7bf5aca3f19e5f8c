#include "models/unets/unet_2d_blocks.h"

#include <stdexcept>
#include <string>

#include <torch/torch.h>

#include "models/layers/resnet.h"
#include "models/layers/transformer_2d.h"

namespace backdrop::models {
namespace {

ResnetBlock2D make_resnet(int64_t in_channels, int64_t out_channels, const UNetBlockOptions& options,
                          double output_scale_factor = 1.0) {
  ResnetBlock2DOptions resnet;
  resnet.in_channels = in_channels;
  resnet.out_channels = out_channels;
  resnet.temb_channels = options.temb_channels;
  resnet.groups = options.norm_num_groups;
  resnet.eps = options.norm_eps;
  resnet.output_scale_factor = output_scale_factor;
  return ResnetBlock2D(resnet);
}

// diffusers builds Transformer2DModel(heads, channels // heads, in_channels=channels, ...).
Transformer2DModel make_transformer(int64_t channels, const UNetBlockOptions& options) {
  if (options.heads <= 0 || channels % options.heads != 0) {
    throw std::invalid_argument("UNet block: " + std::to_string(options.heads) + " attention heads do not divide " +
                                std::to_string(channels) + " channels");
  }
  Transformer2DOptions transformer;
  transformer.in_channels = channels;
  transformer.heads = options.heads;
  transformer.dim_head = channels / options.heads;
  transformer.num_layers = options.transformer_layers;
  transformer.cross_attention_dim = options.cross_attention_dim;
  transformer.norm_num_groups = options.norm_num_groups;
  transformer.use_linear_projection = options.use_linear_projection;
  transformer.only_cross_attention = options.only_cross_attention;
  transformer.upcast_attention = options.upcast_attention;
  return Transformer2DModel(transformer);
}

// resnet i, then attention i when the block has attentions.
torch::Tensor resnet_then_attention(const torch::nn::ModuleList& resnets, const torch::nn::ModuleList& attentions,
                                    std::size_t i, const torch::Tensor& hidden_states, const torch::Tensor& temb,
                                    const torch::Tensor& context) {
  torch::Tensor output = resnets->ptr(i)->as<ResnetBlock2D>()->forward(hidden_states, temb);
  if (attentions) output = attentions->ptr(i)->as<Transformer2DModel>()->forward(output, context);
  return output;
}

}  // namespace

DownBlock2DImpl::DownBlock2DImpl(int64_t in_channels, int64_t out_channels, bool add_downsample,
                                 int64_t downsample_padding, const UNetBlockOptions& options) {
  resnets_ = register_module("resnets", torch::nn::ModuleList());
  if (options.cross_attention) attentions_ = register_module("attentions", torch::nn::ModuleList());
  for (int64_t i = 0; i < options.num_layers; ++i) {
    resnets_->push_back(make_resnet(i == 0 ? in_channels : out_channels, out_channels, options));
    if (attentions_) attentions_->push_back(make_transformer(out_channels, options));
  }
  if (add_downsample) {
    Downsample2DOptions downsample;
    downsample.channels = out_channels;
    downsample.out_channels = out_channels;
    downsample.padding = downsample_padding;
    downsampler_ = Downsample2D(downsample);
    register_module("downsamplers", torch::nn::ModuleList(downsampler_));
  }
}

torch::Tensor DownBlock2DImpl::forward(torch::Tensor hidden_states, const torch::Tensor& temb,
                                       const torch::Tensor& context, std::vector<torch::Tensor>& skips) {
  for (std::size_t i = 0; i < resnets_->size(); ++i) {
    hidden_states = resnet_then_attention(resnets_, attentions_, i, hidden_states, temb, context);
    skips.push_back(hidden_states);
  }
  if (downsampler_) {
    hidden_states = downsampler_(hidden_states);
    skips.push_back(hidden_states);
  }
  return hidden_states;
}

UNetMidBlock2DCrossAttnImpl::UNetMidBlock2DCrossAttnImpl(int64_t channels, double output_scale_factor,
                                                         const UNetBlockOptions& options) {
  resnets_ = register_module("resnets", torch::nn::ModuleList());
  attentions_ = register_module("attentions", torch::nn::ModuleList());
  resnets_->push_back(make_resnet(channels, channels, options, output_scale_factor));
  for (int64_t i = 0; i < options.num_layers; ++i) {
    attentions_->push_back(make_transformer(channels, options));
    resnets_->push_back(make_resnet(channels, channels, options, output_scale_factor));
  }
}

torch::Tensor UNetMidBlock2DCrossAttnImpl::forward(torch::Tensor hidden_states, const torch::Tensor& temb,
                                                   const torch::Tensor& context) {
  hidden_states = resnets_[0]->as<ResnetBlock2D>()->forward(hidden_states, temb);
  for (std::size_t i = 0; i < attentions_->size(); ++i) {
    hidden_states = attentions_[i]->as<Transformer2DModel>()->forward(hidden_states, context);
    hidden_states = resnets_[i + 1]->as<ResnetBlock2D>()->forward(hidden_states, temb);
  }
  return hidden_states;
}

UpBlock2DImpl::UpBlock2DImpl(int64_t in_channels, int64_t out_channels, int64_t prev_output_channels, bool add_upsample,
                             const UNetBlockOptions& options) {
  resnets_ = register_module("resnets", torch::nn::ModuleList());
  if (options.cross_attention) attentions_ = register_module("attentions", torch::nn::ModuleList());
  for (int64_t i = 0; i < options.num_layers; ++i) {
    const int64_t skip_channels = i == options.num_layers - 1 ? in_channels : out_channels;
    const int64_t resnet_in_channels = i == 0 ? prev_output_channels : out_channels;
    resnets_->push_back(make_resnet(resnet_in_channels + skip_channels, out_channels, options));
    if (attentions_) attentions_->push_back(make_transformer(out_channels, options));
  }
  if (add_upsample) {
    Upsample2DOptions upsample;
    upsample.channels = out_channels;
    upsample.out_channels = out_channels;
    upsampler_ = Upsample2D(upsample);
    register_module("upsamplers", torch::nn::ModuleList(upsampler_));
  }
}

torch::Tensor UpBlock2DImpl::forward(torch::Tensor hidden_states, const torch::Tensor& temb,
                                     const torch::Tensor& context, std::vector<torch::Tensor>& skips,
                                     const std::optional<std::vector<int64_t>>& upsample_size) {
  for (std::size_t i = 0; i < resnets_->size(); ++i) {
    if (skips.empty()) throw std::logic_error("UpBlock2D: ran out of skip connections");
    hidden_states = torch::cat({hidden_states, skips.back()}, 1);
    skips.pop_back();
    hidden_states = resnet_then_attention(resnets_, attentions_, i, hidden_states, temb, context);
  }
  if (upsampler_) hidden_states = upsampler_(hidden_states, upsample_size);
  return hidden_states;
}

}  // namespace backdrop::models
