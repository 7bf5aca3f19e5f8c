#include <atomic>
#include <map>

#include "models/pipelines/controlnet_text_to_image.h"
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
