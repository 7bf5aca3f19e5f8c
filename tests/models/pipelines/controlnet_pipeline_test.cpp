#include <atomic>
#include <map>

#include "models/pipelines/controlnet_text_to_image.h"
#include "models/schedulers/scheduler_factory.h"
#include "support/doctest_torch.h"
#include "support/fixture_pipeline.h"
#include "support/parity_tolerance.h"
#include "support/test_data.h"

using namespace backdrop::models;
using backdrop::test::tolerance_for;
namespace parity = backdrop::test::parity;
namespace fs = std::filesystem;

namespace {

struct PipelineFixture {
  fs::path dir = backdrop::test::diffusion_fixtures();
  nlohmann::json config = read_json_file(dir / "pipeline_config.json");
  StableDiffusionComponents components = backdrop::test::fixture_components(dir);
  StateDict reference = load_safetensors(dir / "pipeline_io.safetensors");
};

// The run's settings as pipeline_config.json gives them.
TextToImageInputs run_inputs(const PipelineFixture& fixture, const std::string& run) {
  const auto& config = fixture.config;
  const auto& run_config = config.at(run);
  TextToImageInputs inputs;
  auto& p = inputs.parameters;
  p.prompts = config.at("prompt").get<std::vector<std::string>>();
  p.negative_prompts = config.at("negative_prompt").get<std::vector<std::string>>();
  p.num_inference_steps = config.at("num_inference_steps").get<int64_t>();
  p.guidance_scale = config.at("guidance_scale").get<double>();
  p.eta = config.at("eta").get<double>();
  p.height = config.at("height").get<int64_t>();
  p.width = config.at("width").get<int64_t>();
  p.controlnet_conditioning_scale = run_config.at("controlnet_conditioning_scale").get<double>();
  p.control_guidance_start = run_config.value("control_guidance_start", 0.0);
  p.control_guidance_end = run_config.value("control_guidance_end", 1.0);
  inputs.control_image = fixture.reference.at("control_image");
  inputs.latents = fixture.reference.at("latents_init");
  return inputs;
}

void check_close(const torch::Tensor& actual, const torch::Tensor& expected, double atol, const std::string& name) {
  INFO(name);
  REQUIRE(actual.defined());
  REQUIRE(actual.sizes() == expected.sizes());
  const double difference = (actual.to(torch::kFloat32) - expected).abs().max().item<double>();
  INFO("max abs difference " << difference);
  CHECK(difference <= atol);
}

// The README's tolerance group of each traced tensor, scaled to the stored values.
double tolerance_of(const std::string& name, const torch::Tensor& expected) {
  if (name.find("controlnet_") != std::string::npos) return tolerance_for(parity::kControlNet, expected);
  if (name == "image") return tolerance_for(parity::kImage, expected);
  // Per-step latents and model outputs, amplified by guidance.
  return tolerance_for(parity::kPipelineLatents, expected);
}

using Traced = std::map<std::string, torch::Tensor>;

Traced traced_run(const ControlNetTextToImagePipeline& pipeline, const TextToImageInputs& inputs,
                  TextToImageResult* result = nullptr) {
  Traced traced;
  RunControl control;
  control.trace = [&](std::string_view name, const torch::Tensor& tensor) {
    traced[std::string(name)] = tensor.to(torch::kCPU).clone();
  };
  auto output = pipeline(inputs, control);
  if (result != nullptr) *result = output;
  return traced;
}

// The conditional row (the second half) of a [uncond..., cond...] guidance batch.
torch::Tensor conditional_rows(const torch::Tensor& batch) { return batch.chunk(2)[1]; }

}  // namespace

TEST_CASE("ControlNet pipeline matches diffusers step by step") {
  PipelineFixture fixture;
  const ControlNetTextToImagePipeline pipeline(fixture.components, backdrop::test::fixture_controlnet(fixture.dir));

  for (const std::string run : {"run1", "run2"}) {
    SUBCASE(run.c_str()) {
      std::map<std::string, torch::Tensor> traced;
      RunControl control;
      control.trace = [&](std::string_view name, const torch::Tensor& tensor) {
        traced[std::string(name)] = tensor.to(torch::kCPU).clone();
      };
      const auto result = pipeline(run_inputs(fixture, run), control);
      traced["image"] = result.images;

      int compared = 0;
      for (const auto& [name, expected] : fixture.reference) {
        const std::string prefix = run + ".";
        if (name.rfind(prefix, 0) != 0) continue;
        const auto key = name.substr(prefix.size());
        REQUIRE_MESSAGE(traced.count(key) == 1, "the pipeline did not produce " << key);
        check_close(traced.at(key), expected, tolerance_of(key, expected), name);
        ++compared;
      }
      CHECK(compared > 4 * fixture.config.at("num_inference_steps").get<int>());
    }
  }
}

TEST_CASE("prompt encoding gives the fixture's ids and guidance embeddings") {
  PipelineFixture fixture;
  const auto prompts = fixture.config.at("prompt").get<std::vector<std::string>>();
  const auto negatives = fixture.config.at("negative_prompt").get<std::vector<std::string>>();
  CHECK(torch::equal(fixture.components.tokenizer->encode_batch(prompts).input_ids,
                     fixture.reference.at("prompt_input_ids")));
  CHECK(torch::equal(fixture.components.tokenizer->encode_batch(negatives).input_ids,
                     fixture.reference.at("negative_prompt_input_ids")));
  torch::InferenceMode inference;
  const auto embeddings = encode_prompts_for_guidance(fixture.components, prompts, negatives, 1, true, 0);
  const auto& expected = fixture.reference.at("prompt_embeds_cfg");
  check_close(embeddings, expected, tolerance_for(parity::kTextEncoder, expected), "prompt_embeds_cfg");
}

TEST_CASE("ControlNet schedule follows diffusers' rule") {
  PipelineFixture fixture;
  const auto& run2 = fixture.config.at("run2");
  const auto expected = run2.at("controlnet_scale_per_step").get<std::vector<double>>();
  const auto n = static_cast<int64_t>(expected.size());
  for (int64_t i = 0; i < n; ++i) {
    CHECK(controlnet_scale_at_step(i, n, run2.at("controlnet_conditioning_scale").get<double>(), 0.0,
                                   run2.at("control_guidance_end").get<double>()) == doctest::Approx(expected[i]));
  }
}

TEST_CASE("seeds make runs repeatable; progress is reported and a cancel stops the run") {
  PipelineFixture fixture;
  const ControlNetTextToImagePipeline pipeline(fixture.components, ControlNetModel(nullptr));
  TextToImageInputs inputs;
  inputs.parameters.prompts = {"a red bag on a table", "a lamp"};
  inputs.parameters.num_inference_steps = 3;
  inputs.parameters.width = 64;
  inputs.parameters.height = 48;
  inputs.parameters.images_per_prompt = 2;
  inputs.parameters.scheduler = "euler_ancestral";
  inputs.parameters.seeds = {7};

  std::vector<int64_t> steps;
  RunControl control;
  control.previews = true;
  control.on_step = [&](const StepProgress& progress) {
    steps.push_back(progress.step);
    CHECK(progress.total == 3);
    CHECK(progress.preview.size(0) == 4);
    CHECK(progress.preview.size(1) == 3);
  };
  const auto first = pipeline(inputs, control);
  CHECK(steps == std::vector<int64_t>{1, 2, 3});
  CHECK(first.images.sizes() == torch::IntArrayRef({4, 3, 48, 64}));
  CHECK(torch::equal(first.images, pipeline(inputs).images));

  inputs.parameters.seeds = {8};
  CHECK(!torch::equal(first.images, pipeline(inputs).images));

  std::atomic<bool> cancel{false};
  control.cancel = &cancel;
  control.on_step = [&](const StepProgress&) { cancel = true; };
  CHECK_THROWS_AS(pipeline(inputs, control), GenerationCancelled);
}

TEST_CASE("invalid requests are refused with the reason") {
  PipelineFixture fixture;
  const ControlNetTextToImagePipeline with_controlnet(fixture.components,
                                                      backdrop::test::fixture_controlnet(fixture.dir));
  TextToImageInputs inputs;
  inputs.parameters.prompts = {"x"};
  inputs.parameters.width = 60;
  CHECK_THROWS_WITH_AS(with_controlnet(inputs), doctest::Contains("multiples of 8"), std::invalid_argument);
  inputs.parameters.width = 64;
  inputs.parameters.height = 64;
  CHECK_THROWS_WITH_AS(with_controlnet(inputs), doctest::Contains("control image"), std::invalid_argument);
}

TEST_CASE("guidance 1 runs the UNet and ControlNet at batch 1: the conditional prediction, unguided") {
  PipelineFixture fixture;
  const auto controlnet = backdrop::test::fixture_controlnet(fixture.dir);
  const ControlNetTextToImagePipeline pipeline(fixture.components, controlnet);
  auto inputs = run_inputs(fixture, "run1");
  inputs.parameters.guidance_scale = 1.0;
  TextToImageResult result;
  const auto traced = traced_run(pipeline, inputs, &result);

  // Step 0 sees the fixture's initial latents, so it is the conditional row of diffusers' CFG batch.
  const auto& reference = fixture.reference;
  CHECK(traced.at("step0.unet_input").size(0) == 1);
  check_close(traced.at("step0.unet_out"), conditional_rows(reference.at("run1.step0.unet_out")), 1e-4,
              "step0.unet_out vs the conditional row");
  for (int j = 0; reference.count("run1.step0.controlnet_down." + std::to_string(j)) == 1; ++j) {
    const auto name = "controlnet_down." + std::to_string(j);
    check_close(traced.at("step0." + name), conditional_rows(reference.at("run1.step0." + name)), 1e-4, name);
  }
  check_close(traced.at("step0.controlnet_mid"), conditional_rows(reference.at("run1.step0.controlnet_mid")), 1e-4,
              "controlnet_mid");

  // The whole run is the unguided loop: ControlNet and UNet on the prompt embeddings alone.
  torch::InferenceMode inference;
  auto scheduler = make_scheduler(fixture.components.scheduler_config);
  scheduler->set_timesteps(inputs.parameters.num_inference_steps);
  const auto embeddings = reference.at("prompt_embeds");
  auto latents = reference.at("latents_init");
  const auto timesteps = scheduler->timestep_values();
  const auto n = static_cast<int64_t>(timesteps.size());
  for (int64_t i = 0; i < n; ++i) {
    const auto t = scheduler->timesteps()[i];
    const double scale = controlnet_scale_at_step(i, n, inputs.parameters.controlnet_conditioning_scale, 0.0, 1.0);
    const auto residuals =
        controlnet.ptr()->forward(latents, t, embeddings, reference.at("control_image"), scale);
    const auto noise = fixture.components.unet.ptr()->forward(latents, t, embeddings, &residuals);
    const auto prefix = "step" + std::to_string(i) + ".";
    CHECK(torch::equal(traced.at(prefix + "noise_pred"), traced.at(prefix + "unet_out")));
    check_close(traced.at(prefix + "noise_pred"), noise, 1e-5, prefix + "noise_pred vs unguided");
    latents = scheduler->step(noise, timesteps[i], latents).prev_sample;
  }
  check_close(result.latents, latents, 2e-3, "final latents vs unguided");  // README: pipeline latents
}

TEST_CASE("an LCM run (4 steps, guidance 1) returns the scheduler's last denoised sample") {
  PipelineFixture fixture;
  const ControlNetTextToImagePipeline pipeline(fixture.components, backdrop::test::fixture_controlnet(fixture.dir));
  auto inputs = run_inputs(fixture, "run1");
  inputs.parameters.scheduler = "lcm";
  inputs.parameters.num_inference_steps = 4;
  inputs.parameters.guidance_scale = 1.0;
  TextToImageResult result;
  const auto traced = traced_run(pipeline, inputs, &result);

  REQUIRE(traced.count("step3.denoised") == 1);
  CHECK(traced.count("step4.latents") == 0);
  CHECK(traced.at("step0.unet_input").size(0) == 1);
  CHECK(torch::equal(result.latents.to(torch::kCPU), traced.at("step3.denoised")));
  CHECK(torch::equal(traced.at("latents_final"), traced.at("step3.denoised")));
  // Between steps the consistency output is re-noised: the next step starts elsewhere.
  for (int i = 0; i < 3; ++i) {
    const auto prefix = "step" + std::to_string(i) + ".";
    CHECK((traced.at(prefix + "latents") - traced.at(prefix + "denoised")).abs().max().item<double>() > 1e-3);
  }

  // A fresh LCM scheduler's last step on the traced inputs gives the pipeline's result.
  torch::InferenceMode inference;
  auto scheduler = make_scheduler("lcm", fixture.components.scheduler_config);
  scheduler->set_timesteps(4);
  scheduler->set_begin_index(3);
  const auto last = scheduler->step(traced.at("step3.noise_pred"), scheduler->timestep_values()[3],
                                    traced.at("step2.latents"));
  check_close(result.latents, last.denoised, 1e-6, "pipeline result vs the scheduler's denoised");
  check_close(result.images, decode_latents(fixture.components, last.denoised), 1e-5, "images decode the result");
}

// bf16 on the CPU: the same run with every model in bfloat16 stays close to diffusers' fp32 image;
// the difference is reported (the README's accuracy table takes it from here).
TEST_CASE("bf16 models give the fp32 reference image within bf16's precision") {
  PipelineFixture fixture;
  auto controlnet = backdrop::test::fixture_controlnet(fixture.dir);
  auto& components = fixture.components;
  components.text_encoder->to(torch::kBFloat16);
  components.unet->to(torch::kBFloat16);
  components.vae->to(torch::kBFloat16);
  controlnet->to(torch::kBFloat16);
  components.dtype = torch::kBFloat16;
  const ControlNetTextToImagePipeline pipeline(components, controlnet);
  const auto image = pipeline(run_inputs(fixture, "run1")).images;
  REQUIRE((image.scalar_type() == torch::kFloat32));
  const auto difference = (image - fixture.reference.at("run1.image")).abs();
  const double max = difference.max().item<double>(), mean = difference.mean().item<double>();
  MESSAGE("bf16 vs fp32 reference image (values in [0, 1]): max abs difference " << max << ", mean " << mean);
  CHECK(mean < 0.02);
  CHECK(max < 0.15);
}
