#include "models/pipelines/controlnet_text_to_image.h"

#include <torch/torch.h>

#include "models/runtime/random.h"

namespace backdrop::models {

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
  const int64_t factor = vae_scale_factor(components_);
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
  torch::InferenceMode inference;
  const NoisePredictor predictor(components_, controlnet_, p, inputs.control_image);
  const bool guidance = predictor.guidance();

  auto scheduler = make_pipeline_scheduler(components_, p);
  scheduler->set_timesteps(p.num_inference_steps);
  // As in diffusers, the generator that drew the (first image's) initial noise goes on to draw the
  // noise of the stochastic schedulers.
  RandomGenerator generator(p.seeds.front());
  auto latents = initial_latents(inputs, scheduler->init_noise_sigma(), generator);
  StepOptions step_options;
  step_options.generator = &generator;
  step_options.eta = p.eta;
  control.stage_done(PipelineStage::encoding);

  const auto timesteps = scheduler->timestep_values();
  const auto num_steps = static_cast<int64_t>(timesteps.size());
  const StepReporter reporter(control, num_steps);
  const auto& trace = control.trace;
  for (int64_t i = 0; i < num_steps; ++i) {
    reporter.throw_if_cancelled();
    const double t = timesteps[i];
    const std::string prefix = "step" + std::to_string(i) + ".";
    const auto t_tensor = scheduler->timesteps()[i].to(components_.device);

    auto model_input = doubled_for_guidance(latents, guidance);
    if (trace) trace(prefix + "unet_input", model_input);
    model_input = scheduler->scale_model_input(model_input, t);
    const auto noise_pred = predictor.predict_noise(i, num_steps, model_input, model_input, t_tensor, trace);
    const auto output = traced_step(*scheduler, noise_pred, t, latents, step_options, prefix, trace);
    // The last step's result is the run's (LCM: its denoised sample).
    latents = i + 1 < num_steps ? output.prev_sample : result_sample(output);
    reporter.step_done(i + 1, latents);
  }
  if (trace) trace("latents_final", latents);
  control.stage_done(PipelineStage::denoising);
  auto images = decode_latents(components_, latents, trace);
  control.stage_done(PipelineStage::decoding);
  return {images.to(torch::kCPU, torch::kFloat32), latents};
}

}  // namespace backdrop::models
