#include "models/pipelines/controlnet_text_to_image.h"

#include <torch/torch.h>

#include "models/runtime/random.h"
#include "models/schedulers/scheduler_factory.h"

namespace backdrop::models {
namespace {

void trace_residuals(const TraceFunction& trace, const std::string& prefix, const ControlNetResiduals& residuals) {
  for (std::size_t j = 0; j < residuals.down.size(); ++j) {
    trace(prefix + "controlnet_down." + std::to_string(j), residuals.down[j]);
  }
  trace(prefix + "controlnet_mid", residuals.mid);
}

std::unique_ptr<Scheduler> make_pipeline_scheduler(const StableDiffusionComponents& components,
                                                   const GenerationParameters& parameters) {
  return parameters.scheduler.empty() ? make_scheduler(components.scheduler_config)
                                      : make_scheduler(parameters.scheduler, components.scheduler_config);
}

}  // namespace

torch::Tensor draw_initial_noise(const std::vector<uint64_t>& seeds, at::IntArrayRef shape, RandomGenerator& first) {
  if (seeds.size() == 1) return first.randn(shape);
  std::vector<int64_t> item_shape(shape.begin(), shape.end());
  item_shape[0] = 1;
  std::vector<torch::Tensor> items{first.randn(item_shape)};
  for (std::size_t i = 1; i < seeds.size(); ++i) items.push_back(RandomGenerator(seeds[i]).randn(item_shape));
  return torch::cat(items);
}

ControlNetTextToImagePipeline::ControlNetTextToImagePipeline(StableDiffusionComponents components,
                                                             ControlNetModel controlnet)
    : components_(std::move(components)), controlnet_(std::move(controlnet)) {}

torch::Tensor ControlNetTextToImagePipeline::initial_latents(const TextToImageInputs& inputs, double init_noise_sigma,
                                                             RandomGenerator& generator) const {
  const auto& p = inputs.parameters;
  const int64_t factor = int64_t{1} << (components_.vae->config().block_out_channels.size() - 1);
  const std::vector<int64_t> shape{p.batch_size(), components_.unet->config().out_channels, p.height / factor,
                                   p.width / factor};
  torch::Tensor noise = inputs.latents.defined() ? inputs.latents : draw_initial_noise(p.seeds, shape, generator);
  if (noise.sizes() != at::IntArrayRef(shape)) {
    throw std::invalid_argument("initial latents have the wrong shape for this batch and image size");
  }
  return noise.to(components_.device, components_.dtype) * init_noise_sigma;
}

TextToImageResult ControlNetTextToImagePipeline::operator()(const TextToImageInputs& inputs,
                                                            const RunControl& control) const {
  const auto& p = inputs.parameters;
  p.validate();
  if (controlnet_ && !inputs.control_image.defined()) {
    throw std::invalid_argument("a ControlNet is loaded: give a control image");
  }
  torch::InferenceMode inference;
  const bool guidance = p.guidance_scale > 1.0;
  const auto embeddings = encode_prompts_for_guidance(components_, p.prompts, p.negative_prompts,
                                                      p.images_per_prompt, guidance, p.clip_skip);
  const auto control_image =
      controlnet_ ? prepare_control_image(inputs.control_image, static_cast<int64_t>(p.prompts.size()),
                                          p.images_per_prompt, guidance, components_.device, components_.dtype)
                  : torch::Tensor();

  auto scheduler = make_pipeline_scheduler(components_, p);
  scheduler->set_timesteps(p.num_inference_steps);
  // As in diffusers, the generator that drew the (first image's) initial noise goes on to draw the
  // noise of the stochastic schedulers.
  RandomGenerator generator(p.seeds.front());
  auto latents = initial_latents(inputs, scheduler->init_noise_sigma(), generator);
  StepOptions step_options;
  step_options.generator = &generator;
  step_options.eta = p.eta;

  const auto timesteps = scheduler->timestep_values();
  const auto num_steps = static_cast<int64_t>(timesteps.size());
  const StepReporter reporter(control, num_steps);
  const auto& trace = control.trace;
  for (int64_t i = 0; i < num_steps; ++i) {
    reporter.throw_if_cancelled();
    const double t = timesteps[i];
    const std::string prefix = "step" + std::to_string(i) + ".";
    const auto t_tensor = scheduler->timesteps()[i].to(components_.device);

    auto model_input = guidance ? torch::cat({latents, latents}) : latents;
    if (trace) trace(prefix + "unet_input", model_input);
    model_input = scheduler->scale_model_input(model_input, t);

    std::optional<ControlNetResiduals> residuals;
    if (controlnet_) {
      const double scale = controlnet_scale_at_step(i, num_steps, p.controlnet_conditioning_scale,
                                                    p.control_guidance_start, p.control_guidance_end);
      residuals = controlnet_.ptr()->forward(model_input, t_tensor, embeddings, control_image, scale);
      if (trace) trace_residuals(trace, prefix, *residuals);
    }
    const auto noise_pred =
        components_.unet.ptr()->forward(model_input, t_tensor, embeddings, residuals ? &*residuals : nullptr);
    if (trace) trace(prefix + "unet_out", noise_pred);
    const auto guided = guidance ? apply_guidance(noise_pred, p.guidance_scale) : noise_pred;
    if (trace) trace(prefix + "noise_pred", guided);

    latents = scheduler->step(guided, t, latents, step_options).prev_sample;
    if (trace) trace(prefix + "latents", latents);
    reporter.step_done(i + 1, latents);
  }
  if (trace) trace("latents_final", latents);
  auto images = decode_latents(components_, latents, trace);
  return {images.to(torch::kCPU, torch::kFloat32), latents};
}

}  // namespace backdrop::models
