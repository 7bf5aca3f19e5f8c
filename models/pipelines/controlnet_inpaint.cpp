#include "models/pipelines/controlnet_inpaint.h"

#include <optional>
#include <string>

#include <torch/torch.h>

#include "models/pipelines/controlnet_text_to_image.h"
#include "models/runtime/random.h"
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

struct ControlNetInpaintPipeline::PreparedRun {
  RandomGenerator generator;
  std::unique_ptr<Scheduler> scheduler;
  torch::Tensor timesteps{};             // the steps to run (CPU)
  torch::Tensor mask_latent{};           // [B, 1, h, w]: 1 = generate
  torch::Tensor image_latents{};         // the canvas' latents (plain UNet or strength < 1), else undefined
  torch::Tensor noise{};                 // the initial noise, also what the known region is noised with
  torch::Tensor masked_image_latents{};  // [B, 4, h, w]
  torch::Tensor latents{};               // the initial latents
  double eta = 0.0;
};

ControlNetInpaintPipeline::PreparedRun ControlNetInpaintPipeline::prepare(const InpaintInputs& inputs,
                                                                          const GenerationParameters& p,
                                                                          const TraceFunction& trace) const {
  const auto device = components_.device;
  const int64_t batch = p.batch_size();
  const auto canvas =
      prepare_inpaint_canvas(inputs.image.to(device, components_.dtype), inputs.mask_image.to(device, components_.dtype));
  const int64_t factor = vae_scale_factor(components_);
  const std::vector<int64_t> latent_shape{batch, components_.vae->config().latent_channels, p.height / factor,
                                          p.width / factor};
  PreparedRun run{RandomGenerator(p.seeds.front()), make_pipeline_scheduler(components_, p)};
  run.eta = p.eta;
  run.mask_latent = mask_at_latent_size(canvas.mask, latent_shape[2], latent_shape[3]).repeat({batch, 1, 1, 1});
  if (trace) {
    trace("mask", canvas.mask);
    trace("masked_image", canvas.masked_image);
    trace("mask_latent", run.mask_latent);
  }

  const auto schedule = set_timesteps_for_strength(*run.scheduler, p.num_inference_steps, inputs.strength);
  run.timesteps = schedule.timesteps;
  require(run.timesteps.size(0) > 0, "strength " + std::to_string(inputs.strength) + " of " +
                                         std::to_string(p.num_inference_steps) + " steps runs no step");
  if (trace) trace("timesteps", run.timesteps);
  const bool from_noise = inputs.strength == 1.0;

  // The random draws, in diffusers' order: the canvas' posterior (when its latents are needed),
  // the initial noise, the masked image's posterior (always encoded, even where unused).
  TracedDraws draws(run.generator, trace);
  if (!inpainting_unet_ || !from_noise) {
    run.image_latents =
        encode_to_latents(components_, canvas.init_image, draws, trace, "image").repeat({batch, 1, 1, 1});
    if (trace) trace("image_latents", run.image_latents);
  }
  run.noise = draws.initial_noise(p.seeds, latent_shape).to(device, components_.dtype);
  if (trace) trace("noise", run.noise);
  run.masked_image_latents =
      encode_to_latents(components_, canvas.masked_image, draws, trace, "masked_image").repeat({batch, 1, 1, 1});
  if (trace) trace("masked_image_latents", run.masked_image_latents);

  run.latents = from_noise ? run.noise * run.scheduler->init_noise_sigma()
                           : run.scheduler->add_noise(run.image_latents, run.noise, run.timesteps[0].item<double>());
  if (trace) trace("latents_init", run.latents);
  return run;
}

torch::Tensor ControlNetInpaintPipeline::denoise(PreparedRun& run, const NoisePredictor& predictor,
                                                 const RunControl& control) const {
  const auto& trace = control.trace;
  const bool guidance = predictor.guidance();
  const auto unet_mask = doubled_for_guidance(run.mask_latent, guidance);
  const auto unet_masked_image_latents = doubled_for_guidance(run.masked_image_latents, guidance);
  StepOptions step_options;
  step_options.generator = &run.generator;
  step_options.eta = run.eta;
  const int64_t num_steps = run.timesteps.size(0);
  const StepReporter reporter(control, num_steps);
  auto latents = run.latents;
  for (int64_t i = 0; i < num_steps; ++i) {
    reporter.throw_if_cancelled();
    const auto t_tensor = run.timesteps[i];
    const double t = t_tensor.item<double>();
    const std::string prefix = "step" + std::to_string(i) + ".";

    const auto model_input = run.scheduler->scale_model_input(doubled_for_guidance(latents, guidance), t);
    // The mask and the masked image's latents join after the scaling, as in diffusers. The
    // ControlNet sees the latents only, and its window counts the steps actually run.
    const auto unet_input =
        inpainting_unet_ ? torch::cat({model_input, unet_mask, unet_masked_image_latents}, 1) : model_input;
    if (trace) trace(prefix + "unet_input", unet_input);
    const auto noise_pred =
        predictor.predict_noise(i, num_steps, model_input, unet_input, t_tensor.to(components_.device), trace);
    const auto output = traced_step(*run.scheduler, noise_pred, t, latents, step_options, prefix, trace);
    // The last step's result is the run's (LCM: its denoised sample).
    latents = i + 1 < num_steps ? output.prev_sample : result_sample(output);
    if (!inpainting_unet_) latents = blend(run, latents, i, trace);
    reporter.step_done(i + 1, latents);
  }
  return latents;
}

torch::Tensor ControlNetInpaintPipeline::blend(const PreparedRun& run, const torch::Tensor& latents, int64_t step,
                                               const TraceFunction& trace) const {
  // None after the last step: the known region is the canvas' own latents.
  const bool last = step + 1 == run.timesteps.size(0);
  const auto known =
      last ? run.image_latents
           : run.scheduler->add_noise(run.image_latents, run.noise, run.timesteps[step + 1].item<double>());
  auto blended = (1 - run.mask_latent) * known + run.mask_latent * latents;
  if (trace) {
    const std::string prefix = "step" + std::to_string(step) + ".";
    trace(prefix + "init_latents_proper", known);
    trace(prefix + "latents_blended", blended);
  }
  return blended;
}

InpaintResult ControlNetInpaintPipeline::operator()(const InpaintInputs& inputs, const RunControl& control) const {
  check_canvas_inputs(inputs);
  GenerationParameters p = inputs.parameters;
  p.height = inputs.image.size(2);
  p.width = inputs.image.size(3);
  p.validate();
  require(!controlnet_ || inputs.control_image.defined(), "a ControlNet is loaded: give a control image");
  torch::InferenceMode inference;
  const NoisePredictor predictor(components_, controlnet_, p, inputs.control_image);
  auto run = prepare(inputs, p, control.trace);
  control.stage_done(PipelineStage::encoding);

  const auto latents = denoise(run, predictor, control);
  if (control.trace) control.trace("latents_final", latents);
  control.stage_done(PipelineStage::denoising);
  auto images = decode_latents(components_, latents, control.trace);
  control.stage_done(PipelineStage::decoding);
  return {images.to(torch::kCPU, torch::kFloat32), latents};
}

}  // namespace backdrop::models
