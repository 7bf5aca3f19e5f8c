#include <atomic>
#include <map>

#include "models/pipelines/controlnet_inpaint.h"
#include "support/doctest_torch.h"
#include "support/fixture_pipeline.h"
#include "support/parity_tolerance.h"
#include "support/test_data.h"

using namespace backdrop::models;
using backdrop::test::tolerance_for;
namespace parity = backdrop::test::parity;
namespace fs = std::filesystem;

namespace {

struct InpaintFixture {
  fs::path dir = backdrop::test::diffusion_fixtures();
  nlohmann::json config = read_json_file(dir / "inpaint_config.json");
  StateDict reference = load_safetensors(dir / "inpaint_io.safetensors");
  ControlNetModel controlnet = backdrop::test::fixture_controlnet(dir);

  ControlNetInpaintPipeline pipeline_for(const nlohmann::json& run) const {
    const auto unet = fs::path(run.at("unet").get<std::string>()).stem().string();
    return {backdrop::test::fixture_components(dir, unet), controlnet};
  }
};

// A run's settings, all from inpaint_config.json.
InpaintInputs run_inputs(const InpaintFixture& fixture, const nlohmann::json& run) {
  const auto& config = fixture.config;
  InpaintInputs inputs;
  auto& p = inputs.parameters;
  p.prompts = config.at("prompt").get<std::vector<std::string>>();
  p.negative_prompts = config.at("negative_prompt").get<std::vector<std::string>>();
  p.images_per_prompt = config.at("batch_size").get<int64_t>() / static_cast<int64_t>(p.prompts.size());
  p.num_inference_steps = config.at("num_inference_steps").get<int64_t>();
  p.guidance_scale = config.at("guidance_scale").get<double>();
  p.eta = config.at("eta").get<double>();
  p.seeds = {config.at("generator").at("seed").get<uint64_t>()};
  p.controlnet_conditioning_scale = run.at("controlnet_conditioning_scale").get<double>();
  p.control_guidance_start = run.at("control_guidance_start").get<double>();
  p.control_guidance_end = run.at("control_guidance_end").get<double>();
  inputs.strength = run.at("strength").get<double>();
  inputs.image = fixture.reference.at("image");
  inputs.mask_image = fixture.reference.at("mask_image");
  inputs.control_image = fixture.reference.at("control_image");
  return inputs;
}

bool contains(const std::string& name, const char* part) {
  return name.find(part) != std::string::npos;
}

// The README's tolerance group of each traced tensor, scaled to the stored values.
double tolerance_of(const std::string& name, const torch::Tensor& expected) {
  if (name == "mask" || name == "masked_image" || name == "mask_latent" || name == "timesteps") return 0.0;
  if (contains(name, "draw") || name == "noise") return 5e-7;  // bitwise with torch's AVX2 kernel, 3 ulp with libm
  if (contains(name, "posterior") || contains(name, "image_latents")) {
    return tolerance_for(parity::kInpaintImageLatents, expected);
  }
  if (contains(name, "unet_out") || contains(name, "noise_pred") || contains(name, "controlnet_")) {
    return tolerance_for(parity::kInpaintModelOutputs, expected);
  }
  if (name == "decoded") return tolerance_for(parity::kInpaintDecoded, expected);
  if (name == "image") return tolerance_for(parity::kImage, expected);
  return tolerance_for(parity::kInpaintStepLatents, expected);
}

void check_close(const torch::Tensor& actual, const torch::Tensor& expected, double atol, const std::string& name) {
  INFO(name);
  REQUIRE(actual.defined());
  REQUIRE(actual.sizes() == expected.sizes());
  const double difference = (actual.to(torch::kFloat32) - expected.to(torch::kFloat32)).abs().max().item<double>();
  INFO("max abs difference " << difference);
  CHECK(difference <= atol);
}

std::map<std::string, torch::Tensor> traced_run(const ControlNetInpaintPipeline& pipeline,
                                                const InpaintInputs& inputs) {
  std::map<std::string, torch::Tensor> traced;
  RunControl control;
  control.trace = [&](std::string_view name, const torch::Tensor& tensor) {
    traced[std::string(name)] = tensor.to(torch::kCPU).clone();
  };
  traced["image"] = pipeline(inputs, control).images;
  return traced;
}

}  // namespace

TEST_CASE("ControlNet inpainting matches diffusers step by step, for both UNets and strengths") {
  InpaintFixture fixture;
  for (const auto& [run_name, run] : fixture.config.at("runs").items()) {
    SUBCASE(run_name.c_str()) {
      const auto pipeline = fixture.pipeline_for(run);
      CHECK(pipeline.has_inpainting_unet() == (run.at("unet_in_channels").get<int64_t>() != 4));
      const auto traced = traced_run(pipeline, run_inputs(fixture, run));

      int compared = 0;
      const std::string prefix = run_name + ".";
      for (const auto& [name, expected] : fixture.reference) {
        if (name.rfind(prefix, 0) != 0) continue;
        const auto key = name.substr(prefix.size());
        REQUIRE_MESSAGE(traced.count(key) == 1, "the pipeline did not produce " << key);
        check_close(traced.at(key), expected, tolerance_of(key, expected), name);
        ++compared;
      }
      CHECK(compared > 4 * run.at("num_steps_run").get<int>());
      // The preprocessing and posteriors the run computed are the shared reference ones.
      for (const char* shared : {"mask", "masked_image", "mask_latent", "posterior.image.mean", "posterior.image.std",
                                 "posterior.masked_image.mean", "posterior.masked_image.std"}) {
        if (traced.count(shared) == 0) continue;
        check_close(traced.at(shared), fixture.reference.at(shared), tolerance_of(shared, fixture.reference.at(shared)),
                    shared);
      }
      CHECK(traced.count("mask_latent") == 1);
    }
  }
}

TEST_CASE("guidance 1 inpaints at batch 1: step 0 is the conditional row of diffusers' guidance batch") {
  InpaintFixture fixture;
  for (const auto& [run_name, run] : fixture.config.at("runs").items()) {
    SUBCASE(run_name.c_str()) {
      auto inputs = run_inputs(fixture, run);
      inputs.parameters.guidance_scale = 1.0;
      const auto traced = traced_run(fixture.pipeline_for(run), inputs);
      const auto reference = [&](const std::string& name) { return fixture.reference.at(run_name + "." + name); };
      // The random draws do not depend on guidance, so step 0 starts from the same latents.
      check_close(traced.at("latents_init"), reference("latents_init"),
                  tolerance_of("latents_init", reference("latents_init")), "latents_init");
      const auto cfg_input = reference("step0.unet_input");
      CHECK(traced.at("step0.unet_input").size(0) * 2 == cfg_input.size(0));
      const auto conditional_input = cfg_input.chunk(2)[1];
      check_close(traced.at("step0.unet_input"), conditional_input, tolerance_of("unet_input", conditional_input),
                  "unet_input");
      const auto conditional_out = reference("step0.unet_out").chunk(2)[1];
      check_close(traced.at("step0.unet_out"), conditional_out, tolerance_of("unet_out", conditional_out),
                  "step0.unet_out vs the conditional row");
      CHECK(torch::equal(traced.at("step0.noise_pred"), traced.at("step0.unet_out")));
    }
  }
}

TEST_CASE("the ControlNet window counts the steps the strength leaves") {
  InpaintFixture fixture;
  for (const auto& [run_name, run] : fixture.config.at("runs").items()) {
    const auto expected = run.at("controlnet_scale_per_step").get<std::vector<double>>();
    const auto n = static_cast<int64_t>(expected.size());
    CHECK(n == run.at("num_steps_run").get<int64_t>());
    for (int64_t i = 0; i < n; ++i) {
      INFO(run_name << " step " << i);
      CHECK(controlnet_scale_at_step(i, n, run.at("controlnet_conditioning_scale").get<double>(),
                                     run.at("control_guidance_start").get<double>(),
                                     run.at("control_guidance_end").get<double>()) == doctest::Approx(expected[i]));
    }
  }
}

TEST_CASE("a plain UNet ends with the canvas' own latents in the kept region") {
  InpaintFixture fixture;
  const ControlNetInpaintPipeline pipeline(backdrop::test::fixture_components(fixture.dir), fixture.controlnet);
  auto inputs = run_inputs(fixture, fixture.config.at("runs").begin().value());
  inputs.parameters.num_inference_steps = 3;
  const auto traced = traced_run(pipeline, inputs);
  const auto keep = traced.at("mask_latent") < 0.5;
  REQUIRE(keep.any().item<bool>());
  CHECK(torch::equal(traced.at("latents_final").masked_select(keep.expand_as(traced.at("latents_final"))),
                     traced.at("image_latents").masked_select(keep.expand_as(traced.at("image_latents")))));
}

TEST_CASE("batches of prompts and seeds, progress and cancellation") {
  InpaintFixture fixture;
  const ControlNetInpaintPipeline pipeline(backdrop::test::fixture_components(fixture.dir, "unet_inpaint"),
                                           fixture.controlnet);
  auto inputs = run_inputs(fixture, fixture.config.at("runs").begin().value());
  auto& p = inputs.parameters;
  p.prompts = {"a red bag on a table", "a lamp"};
  p.negative_prompts = {};
  p.images_per_prompt = 1;
  p.num_inference_steps = 4;
  p.scheduler = "euler_ancestral";
  inputs.strength = 0.5;
  p.seeds = {3, 4};

  std::vector<int64_t> steps;
  RunControl control;
  control.on_step = [&](const StepProgress& progress) {
    steps.push_back(progress.step);
    CHECK(progress.total == 2);
  };
  const auto first = pipeline(inputs, control);
  CHECK(steps == std::vector<int64_t>{1, 2});
  CHECK(first.images.sizes() == torch::IntArrayRef({2, 3, inputs.image.size(2), inputs.image.size(3)}));
  CHECK(torch::equal(first.images, pipeline(inputs).images));
  p.seeds = {3, 5};
  const auto second = pipeline(inputs);
  CHECK(torch::equal(first.images[0], second.images[0]));  // the first image keeps its own generator
  CHECK(!torch::equal(first.images[1], second.images[1]));

  std::atomic<bool> cancel{false};
  control.cancel = &cancel;
  control.on_step = [&](const StepProgress&) { cancel = true; };
  CHECK_THROWS_AS(pipeline(inputs, control), GenerationCancelled);
}

TEST_CASE("invalid inpainting requests are refused with the reason") {
  InpaintFixture fixture;
  const ControlNetInpaintPipeline pipeline(backdrop::test::fixture_components(fixture.dir), fixture.controlnet);
  auto inputs = run_inputs(fixture, fixture.config.at("runs").begin().value());
  auto bad = inputs;
  bad.mask_image = inputs.mask_image.slice(2, 0, 8);
  CHECK_THROWS_WITH_AS(pipeline(bad), doctest::Contains("differ in size"), std::invalid_argument);
  bad = inputs;
  bad.control_image = torch::Tensor();
  CHECK_THROWS_WITH_AS(pipeline(bad), doctest::Contains("control image"), std::invalid_argument);
  bad = inputs;
  bad.strength = 0.05;  // int(10 * 0.05) = 0 steps
  CHECK_THROWS_WITH_AS(pipeline(bad), doctest::Contains("runs no step"), std::invalid_argument);
  bad.strength = 1.5;
  CHECK_THROWS_AS(pipeline(bad), std::invalid_argument);
}
