#include "models/pipelines/sd15_defaults.h"

namespace backdrop::models {
namespace {

// The options the UNet and the ControlNet share: SD 1.5's encoder.
nlohmann::json sd15_encoder_options() {
  return {
      {"act_fn", "silu"},
      {"attention_head_dim", 8},
      {"block_out_channels", {320, 640, 1280, 1280}},
      {"cross_attention_dim", 768},
      {"down_block_types", {"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"}},
      {"downsample_padding", 1},
      {"flip_sin_to_cos", true},
      {"freq_shift", 0},
      {"in_channels", 4},
      {"layers_per_block", 2},
      {"mid_block_scale_factor", 1},
      {"norm_eps", 1e-5},
      {"norm_num_groups", 32},
      {"only_cross_attention", false},
      {"upcast_attention", false},
      {"use_linear_projection", false},
  };
}

}  // namespace

nlohmann::json sd15_unet_config() {
  auto config = sd15_encoder_options();
  config["_class_name"] = "UNet2DConditionModel";
  config["out_channels"] = 4;
  config["sample_size"] = 64;
  config["mid_block_type"] = "UNetMidBlock2DCrossAttn";
  config["up_block_types"] = {"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"};
  return config;
}

nlohmann::json sd15_controlnet_config() {
  auto config = sd15_encoder_options();
  config["_class_name"] = "ControlNetModel";
  config["conditioning_channels"] = 3;
  config["conditioning_embedding_out_channels"] = {16, 32, 96, 256};
  config["controlnet_conditioning_channel_order"] = "rgb";
  config["global_pool_conditions"] = false;
  return config;
}

nlohmann::json sd15_vae_config() {
  return {
      {"_class_name", "AutoencoderKL"},
      {"act_fn", "silu"},
      {"block_out_channels", {128, 256, 512, 512}},
      {"down_block_types", {"DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"}},
      {"up_block_types", {"UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"}},
      {"in_channels", 3},
      {"out_channels", 3},
      {"latent_channels", 4},
      {"layers_per_block", 2},
      {"norm_num_groups", 32},
      {"sample_size", 512},
      {"scaling_factor", 0.18215},
      {"mid_block_add_attention", true},
  };
}

nlohmann::json sd15_text_encoder_config() {
  return {
      {"architectures", {"CLIPTextModel"}},
      {"model_type", "clip_text_model"},
      {"vocab_size", 49408},
      {"hidden_size", 768},
      {"intermediate_size", 3072},
      {"projection_dim", 768},
      {"num_hidden_layers", 12},
      {"num_attention_heads", 12},
      {"max_position_embeddings", 77},
      {"hidden_act", "quick_gelu"},
      {"layer_norm_eps", 1e-5},
  };
}

nlohmann::json sd15_scheduler_config() {
  return {
      {"_class_name", "PNDMScheduler"},
      {"num_train_timesteps", 1000},
      {"beta_start", 0.00085},
      {"beta_end", 0.012},
      {"beta_schedule", "scaled_linear"},
      {"clip_sample", false},
      {"set_alpha_to_one", false},
      {"skip_prk_steps", true},
      {"steps_offset", 1},
      {"prediction_type", "epsilon"},
  };
}

}  // namespace backdrop::models
