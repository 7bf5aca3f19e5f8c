#include "models/pipelines/controlnet_inpaint.h"

#include <optional>
#include <string>

#include <torch/torch.h>

#include "models/pipelines/controlnet_text_to_image.h"
#include "models/runtime/random.h"
#include "models/schedulers/scheduler_factory.h"
#include "models/schedulers/strength.h"

namespace backdrop::models {
namespace {

namespace F = torch::nn::functional;

// Latent pixels above which the VAE encodes in tiles (as decode_latents decodes).
constexpr int64_t kTiledEncodeLatentPixels = 96 * 96;

void require(bool condition, const std::string& message) {
  if (!condition) throw std::invalid_argument("inpainting: " + message);
}

void check_canvas_inputs(const InpaintInputs& inputs) {
  require(inputs.image.defined() && inputs.image.dim() == 4 && inputs.image.size(0) == 1 &&
              inputs.image.size(1) == 3,
          "the image must be [1, 3, H, W]");
  require(inputs.mask_image.defined() && inputs.mask_image.dim() == 4 && inputs.mask_image.size(0) == 1 &&
              inputs.mask_image.size(1) == 1,
          "the mask must be [1, 1, H, W]");
  require(inputs.mask_image.size(2) == inputs.image.size(2) && inputs.mask_image.size(3) == inputs.image.size(3),
          "the mask " + c10::str(inputs.mask_image.sizes()) + " and the image " + c10::str(inputs.image.sizes()) +
              " differ in size");
}

void trace_residuals(const TraceFunction& trace, const std::string& prefix, const ControlNetResiduals& residuals) {
  for (std::size_t j = 0; j < residuals.down.size(); ++j) {
    trace(prefix + "controlnet_down." + std::to_string(j), residuals.down[j]);
  }
  trace(prefix + "controlnet_mid", residuals.mid);
}

// Draws every random tensor of a run in order from one generator, and traces each as draw{k}.
class TracedDraws {
 public:
  TracedDraws(RandomGenerator& generator, const TraceFunction& trace) : generator_(generator), trace_(trace) {}

  torch::Tensor randn(at::IntArrayRef shape) { return record(generator_.randn(shape)); }
  torch::Tensor initial_noise(const std::vector<uint64_t>& seeds, at::IntArrayRef shape) {
    return record(draw_initial_noise(seeds, shape, generator_));
  }

 private:
  torch::Tensor record(torch::Tensor drawn) {
    if (trace_) trace_("draw" + std::to_string(count_), drawn);
    ++count_;
    return drawn;
  }

  RandomGenerator& generator_;
  const TraceFunction& trace_;
  int count_ = 0;
};

// scaling_factor * (mean + std * eps) of the VAE posterior of `image` ([1, 3, H, W] in [-1, 1]),
// `eps` drawn after the encoder ran, as diffusers' retrieve_latents does.
torch::Tensor encode_to_latents(const StableDiffusionComponents& components, const torch::Tensor& image,
                                TracedDraws& draws, const TraceFunction& trace, const std::string& name) {
  const bool large = image.size(-1) * image.size(-2) / 64 > kTiledEncodeLatentPixels;
  const auto posterior = large ? components.vae.ptr()->tiled_encode(image) : components.vae.ptr()->encode(image);
  if (trace) {
    trace("posterior." + name + ".mean", posterior.mean);
    trace("posterior." + name + ".std", posterior.std);
  }
  const auto eps = draws.randn(posterior.mean.sizes());
  return components.vae->scaling_factor() * posterior.sample(eps.to(posterior.mean.options()));
}

std::unique_ptr<Scheduler> make_pipeline_scheduler(const StableDiffusionComponents& components,
                                                   const GenerationParameters& parameters) {
  return parameters.scheduler.empty() ? make_scheduler(components.scheduler_config)
                                      : make_scheduler(parameters.scheduler, components.scheduler_config);
}

torch::Tensor doubled_for_guidance(const torch::Tensor& tensor, bool guidance) {
  return guidance ? torch::cat({tensor, tensor}) : tensor;
}

}  // namespace

InpaintCanvas prepare_inpaint_canvas(const torch::Tensor& image, const torch::Tensor& mask_image) {
  InpaintCanvas canvas;
  canvas.init_image = image * 2 - 1;
  canvas.mask = (mask_image >= 0.5).to(image.scalar_type());
  canvas.masked_image = canvas.init_image * (canvas.mask < 0.5).to(image.scalar_type());
  return canvas;
}

torch::Tensor mask_at_latent_size(const torch::Tensor& mask, int64_t latent_height, int64_t latent_width) {
  return F::interpolate(mask, F::InterpolateFuncOptions()
                                  .size(std::vector<int64_t>{latent_height, latent_width})
                                  .mode(torch::kNearest));
}

ControlNetInpaintPipeline::ControlNetInpaintPipeline(StableDiffusionComponents components,
                                                     ControlNetModel controlnet)
    : components_(std::move(components)), controlnet_(std::move(controlnet)) {
  const int64_t latent_channels = components_.vae->config().latent_channels;
  const int64_t unet_channels = components_.unet->config().encoder.in_channels;
  inpainting_unet_ = unet_channels == 2 * latent_channels + 1;
  require(inpainting_unet_ || unet_channels == latent_channels,
          "the UNet has " + std::to_string(unet_channels) + " input channels; an inpainting UNet has " +
              std::to_string(2 * latent_channels + 1) + " and a plain one " + std::to_string(latent_channels));
}

InpaintResult ControlNetInpaintPipeline::operator()(const InpaintInputs& inputs, const RunControl& control) const {
  check_canvas_inputs(inputs);
  GenerationParameters p = inputs.parameters;
  p.height = inputs.image.size(2);
  p.width = inputs.image.size(3);
  p.validate();
  require(!controlnet_ || inputs.control_image.defined(), "a ControlNet is loaded: give a control image");
  torch::InferenceMode inference;
  const auto& trace = control.trace;
  const auto device = components_.device;
  const auto dtype = components_.dtype;
  const bool guidance = p.guidance_scale > 1.0;
  const int64_t batch = p.batch_size();

  const auto embeddings = encode_prompts_for_guidance(components_, p.prompts, p.negative_prompts,
                                                      p.images_per_prompt, guidance, p.clip_skip);
  const auto control_image =
      controlnet_ ? prepare_control_image(inputs.control_image, static_cast<int64_t>(p.prompts.size()),
                                          p.images_per_prompt, guidance, device, dtype)
                  : torch::Tensor();

  const auto canvas = prepare_inpaint_canvas(inputs.image.to(device, dtype), inputs.mask_image.to(device, dtype));
  const int64_t factor = int64_t{1} << (components_.vae->config().block_out_channels.size() - 1);
  const std::vector<int64_t> latent_shape{batch, components_.vae->config().latent_channels, p.height / factor,
                                          p.width / factor};
  const auto mask_latent = mask_at_latent_size(canvas.mask, latent_shape[2], latent_shape[3]).repeat({batch, 1, 1, 1});
  if (trace) {
    trace("mask", canvas.mask);
    trace("masked_image", canvas.masked_image);
    trace("mask_latent", mask_latent);
  }

  auto scheduler = make_pipeline_scheduler(components_, p);
  const auto schedule = set_timesteps_for_strength(*scheduler, p.num_inference_steps, inputs.strength);
  const auto timesteps = schedule.timesteps;
  const int64_t num_steps = timesteps.size(0);
  require(num_steps > 0, "strength " + std::to_string(inputs.strength) + " of " +
                             std::to_string(p.num_inference_steps) + " steps runs no step");
  if (trace) trace("timesteps", timesteps);
  const bool from_noise = inputs.strength == 1.0;

  // The random draws, in diffusers' order: the canvas' posterior (when its latents are needed),
  // the initial noise, the masked image's posterior (always encoded, even where unused).
  RandomGenerator generator(p.seeds.front());
  TracedDraws draws(generator, trace);
  torch::Tensor image_latents;
  if (!inpainting_unet_ || !from_noise) {
    image_latents = encode_to_latents(components_, canvas.init_image, draws, trace, "image").repeat({batch, 1, 1, 1});
    if (trace) trace("image_latents", image_latents);
  }
  const auto noise = draws.initial_noise(p.seeds, latent_shape).to(device, dtype);
  if (trace) trace("noise", noise);
  const auto masked_image_latents =
      encode_to_latents(components_, canvas.masked_image, draws, trace, "masked_image").repeat({batch, 1, 1, 1});
  if (trace) trace("masked_image_latents", masked_image_latents);

  auto latents = from_noise ? noise * scheduler->init_noise_sigma()
                            : scheduler->add_noise(image_latents, noise, timesteps[0].item<double>());
  if (trace) trace("latents_init", latents);

  const auto unet_mask = doubled_for_guidance(mask_latent, guidance);
  const auto unet_masked_image_latents = doubled_for_guidance(masked_image_latents, guidance);
  StepOptions step_options;
  step_options.generator = &generator;
  step_options.eta = p.eta;
  const StepReporter reporter(control, num_steps);
  for (int64_t i = 0; i < num_steps; ++i) {
    reporter.throw_if_cancelled();
    const auto t_tensor = timesteps[i];
    const double t = t_tensor.item<double>();
    const std::string prefix = "step" + std::to_string(i) + ".";

    const auto model_input = scheduler->scale_model_input(doubled_for_guidance(latents, guidance), t);
    // The mask and the masked image's latents join after the scaling, as in diffusers.
    const auto unet_input =
        inpainting_unet_ ? torch::cat({model_input, unet_mask, unet_masked_image_latents}, 1) : model_input;
    if (trace) trace(prefix + "unet_input", unet_input);

    std::optional<ControlNetResiduals> residuals;
    if (controlnet_) {
      // The ControlNet sees the latents only, and its window counts the steps actually run.
      const double scale = controlnet_scale_at_step(i, num_steps, p.controlnet_conditioning_scale,
                                                    p.control_guidance_start, p.control_guidance_end);
      residuals = controlnet_.ptr()->forward(model_input, t_tensor.to(device), embeddings, control_image, scale);
      if (trace) trace_residuals(trace, prefix, *residuals);
    }
    const auto noise_pred =
        components_.unet.ptr()->forward(unet_input, t_tensor.to(device), embeddings, residuals ? &*residuals : nullptr);
    if (trace) trace(prefix + "unet_out", noise_pred);
    const auto guided = guidance ? apply_guidance(noise_pred, p.guidance_scale) : noise_pred;
    if (trace) trace(prefix + "noise_pred", guided);

    latents = scheduler->step(guided, t, latents, step_options).prev_sample;
    if (trace) trace(prefix + "latents", latents);
    if (!inpainting_unet_) {
      // The known region goes back at the noise level of the next step (none after the last).
      const auto known = i + 1 < num_steps ? scheduler->add_noise(image_latents, noise, timesteps[i + 1].item<double>())
                                           : image_latents;
      latents = (1 - mask_latent) * known + mask_latent * latents;
      if (trace) {
        trace(prefix + "init_latents_proper", known);
        trace(prefix + "latents_blended", latents);
      }
    }
    reporter.step_done(i + 1, latents);
  }
  if (trace) trace("latents_final", latents);
  auto images = decode_latents(components_, latents, trace);
  return {images.to(torch::kCPU, torch::kFloat32), latents};
}

}  // namespace backdrop::models
