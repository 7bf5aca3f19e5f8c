#pragma once
// Inpainting with an optional ControlNet and classifier-free guidance: diffusers'
// StableDiffusionControlNetInpaintPipeline. The canvas keeps the region where the mask is 0 and the
// background is generated where it is 1.
//
// Two kinds of UNets:
// - an inpainting UNet (9 input channels: latents, the mask at latent size, the masked image's
//   latents) sees the known region as an input;
// - a plain UNet (4 channels) is told nothing: after every step the known region is replaced by the
//   original latents noised to the next timestep (diffusers' "blend").
// `strength` < 1 starts part-way through the schedule from the noised canvas (img2img), so the
// background can start from a colour or a gradient painted on the canvas.

#include <cstdint>

#include <torch/types.h>

#include "models/controlnets/controlnet.h"
#include "models/pipelines/generation_parameters.h"
#include "models/pipelines/pipeline_utils.h"
#include "models/pipelines/stable_diffusion_components.h"

namespace backdrop::models {

struct InpaintInputs {
  // width and height are taken from `image`; the other fields as in text-to-image.
  GenerationParameters parameters;
  // 1: start from pure noise; below 1: run the last int(N * strength) of N steps from the canvas.
  double strength = 1.0;
  torch::Tensor image;          // [1, 3, H, W] in [0, 1]: the canvas (the product on its background)
  torch::Tensor mask_image;     // [1, 1, H, W] in [0, 1]: 1 (>= 0.5) = generate, 0 = keep
  torch::Tensor control_image;  // [1 or num_prompts, 3, H, W] in [0, 1]; needed when a ControlNet is given
};

struct InpaintResult {
  torch::Tensor images;   // [batch, 3, H, W] in [0, 1], on the CPU, float32 (the VAE decoding everywhere)
  torch::Tensor latents;  // the final latents
};

// The pipeline's preprocessing of the canvas and its mask, in the canvas' dtype and device.
struct InpaintCanvas {
  torch::Tensor init_image;    // 2 * image - 1
  torch::Tensor mask;          // mask_image >= 0.5, as 0/1
  torch::Tensor masked_image;  // init_image where the mask is 0, else 0 (mid-grey)
};
InpaintCanvas prepare_inpaint_canvas(const torch::Tensor& image, const torch::Tensor& mask_image);

// The mask at latent size [N, 1, h, w]: nearest-neighbour, i.e. the top-left pixel of each block.
torch::Tensor mask_at_latent_size(const torch::Tensor& mask, int64_t latent_height, int64_t latent_width);

class ControlNetInpaintPipeline {
 public:
  // `controlnet` may be empty (nullptr holder): plain inpainting. Throws std::invalid_argument when
  // the UNet has neither 4 nor 4 + 1 + 4 input channels.
  ControlNetInpaintPipeline(StableDiffusionComponents components, ControlNetModel controlnet);

  // Throws std::invalid_argument for invalid inputs, GenerationCancelled when cancelled.
  // Traced names: mask, masked_image, mask_latent, timesteps, draw{k}, posterior.{image,masked_image}.{mean,std},
  // image_latents, masked_image_latents, noise, latents_init, step{i}.{unet_input, controlnet_down.{j},
  // controlnet_mid, unet_out, noise_pred, latents, init_latents_proper, latents_blended}, latents_final,
  // decoded.
  InpaintResult operator()(const InpaintInputs& inputs, const RunControl& control = {}) const;

  bool has_inpainting_unet() const { return inpainting_unet_; }
  const StableDiffusionComponents& components() const { return components_; }

 private:
  struct PreparedRun;  // the scheduler, the random draws and the latents of one run

  PreparedRun prepare(const InpaintInputs& inputs, const GenerationParameters& parameters,
                      const TraceFunction& trace) const;
  torch::Tensor denoise(PreparedRun& run, const NoisePredictor& predictor, const RunControl& control) const;
  // A plain UNet's step output with the known region put back at the noise level of the next step;
  // traces step{i}.init_latents_proper and step{i}.latents_blended.
  torch::Tensor blend(const PreparedRun& run, const torch::Tensor& latents, int64_t step,
                      const TraceFunction& trace) const;

  StableDiffusionComponents components_;
  ControlNetModel controlnet_;
  bool inpainting_unet_ = false;
};

}  // namespace backdrop::models
