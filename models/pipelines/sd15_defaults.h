#pragma once
// The Stable Diffusion 1.5 configurations that a single-file checkpoint does not carry (diffusers
// reads them from the original model repository; Backdrop has them built in). A diffusers folder
// always brings its own configs and never uses these.

#include <nlohmann/json.hpp>

namespace backdrop::models {

nlohmann::json sd15_unet_config();          // UNet2DConditionModel, in_channels 4
nlohmann::json sd15_vae_config();           // AutoencoderKL
nlohmann::json sd15_text_encoder_config();  // CLIPTextConfig of CLIP ViT-L/14
nlohmann::json sd15_controlnet_config();    // ControlNetModel (canny and the other SD 1.5 ControlNets)
nlohmann::json sd15_scheduler_config();     // PNDMScheduler, SD 1.5's default sampler

}  // namespace backdrop::models
