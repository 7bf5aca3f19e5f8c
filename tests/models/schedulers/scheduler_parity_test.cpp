// Every scheduler against diffusers v0.30.3: for each scheduler key and step count stored in
// schedulers.json / schedulers.safetensors, the timesteps, sigmas, each step on the stored inputs
// (model_input -> prev_sample) and the whole toy-model trajectory (fixture README, "Schedulers").

#include <cmath>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "models/loaders/torch_tensors.h"
#include "models/schedulers/scheduler_factory.h"
#include "models/schedulers/strength.h"
#include "support/doctest_torch.h"
#include "support/parity_tolerance.h"
#include "support/test_data.h"

using namespace backdrop::models;
using backdrop::test::max_abs_difference;
namespace parity = backdrop::test::parity;

namespace {

constexpr double kFloatTimestepTolerance = 1e-4;  // README tolerances
constexpr double kSigmaRelativeTolerance = 1e-5;

struct Fixtures {
  nlohmann::json schedulers;
  std::shared_ptr<const SafetensorsFile> tensors;

  torch::Tensor tensor(const std::string& name) const { return to_torch(tensors->tensor(name), tensors); }
  bool has(const std::string& name) const { return tensors->contains(name); }
};

const Fixtures& fixtures() {
  static const Fixtures loaded = [] {
    const auto dir = backdrop::test::diffusion_fixtures();
    return Fixtures{load_diffusers_json(dir / "schedulers.json"),
                    SafetensorsFile::open(dir / "schedulers.safetensors")};
  }();
  return loaded;
}

// One stored run: a scheduler key (which is also our scheduler name), a step count, its entry.
struct Run {
  std::string key;
  int64_t steps;
  const nlohmann::json& entry;

  std::string prefix() const { return key + "." + std::to_string(steps) + "."; }
  std::unique_ptr<Scheduler> make() const {
    auto scheduler = make_scheduler(key, entry.at("config"));
    scheduler->set_timesteps(steps);
    return scheduler;
  }
};

void for_each_run(const std::function<void(const Run&)>& check) {
  int runs = 0;
  for (const auto& [key, by_steps] : fixtures().schedulers.at("schedulers").items()) {
    for (const auto& [steps, entry] : by_steps.items()) {
      const Run run{key, std::stoll(steps), entry};
      INFO("scheduler " << key << ", " << steps << " steps");
      check(run);
      ++runs;
    }
  }
  REQUIRE(runs > 0);
}

// The per-step latents' tolerance, scaled to the stored tensor's values.
double latent_tolerance(const torch::Tensor& expected) {
  return backdrop::test::tolerance_for(parity::kSchedulerLatents, expected);
}

StepOptions stored_noise(const Run& run, std::size_t step) {
  StepOptions options;
  const auto name = run.prefix() + "step" + std::to_string(step) + ".noise";
  if (fixtures().has(name)) options.noise = fixtures().tensor(name);
  return options;
}

}  // namespace

TEST_CASE("the training tables match diffusers' float32 betas and alphas_cumprod") {
  const auto& first = fixtures().schedulers.at("schedulers").begin().value().begin().value();
  const auto scheduler = make_scheduler(fixtures().schedulers.at("schedulers").begin().key(), first.at("config"));
  CHECK(max_abs_difference(scheduler->noise_schedule().betas, fixtures().tensor("betas")) == 0.0);
  CHECK(max_abs_difference(scheduler->noise_schedule().alphas_cumprod, fixtures().tensor("alphas_cumprod")) <= 1e-7);
}

TEST_CASE("timesteps, sigmas, init_noise_sigma and order") {
  for_each_run([](const Run& run) {
    const auto scheduler = run.make();
    const auto expected = run.entry.at("timesteps").get<std::vector<double>>();
    const auto actual = scheduler->timestep_values();
    REQUIRE(actual.size() == expected.size());
    CHECK(static_cast<int64_t>(actual.size()) == run.entry.at("num_steps_run").get<int64_t>());
    const bool integer = run.entry.at("timesteps_dtype") == "int64";
    CHECK((scheduler->timesteps().scalar_type() == (integer ? torch::kInt64 : torch::kFloat32)));
    for (std::size_t i = 0; i < expected.size(); ++i) {
      INFO("timestep " << i);
      if (integer) {
        CHECK(actual[i] == expected[i]);
      } else {
        CHECK(std::abs(actual[i] - expected[i]) <= kFloatTimestepTolerance);
      }
    }
    CHECK(max_abs_difference(scheduler->timesteps(), fixtures().tensor(run.prefix() + "timesteps")) <=
          (integer ? 0.0 : kFloatTimestepTolerance));

    if (run.entry.contains("sigmas")) {
      const auto expected_sigmas = torch::tensor(run.entry.at("sigmas").get<std::vector<double>>(), torch::kFloat64);
      const auto sigmas = scheduler->sigmas();
      REQUIRE(sigmas.defined());
      REQUIRE(sigmas.numel() == expected_sigmas.numel());
      const auto relative =
          ((sigmas.to(torch::kFloat64) - expected_sigmas).abs() - kSigmaRelativeTolerance * expected_sigmas.abs())
              .max()
              .item<double>();
      CHECK(relative <= 0.0);
    } else {
      CHECK_FALSE(scheduler->sigmas().defined());
    }
    const double init_sigma = run.entry.at("init_noise_sigma").get<double>();
    CHECK(std::abs(scheduler->init_noise_sigma() - init_sigma) <= kSigmaRelativeTolerance * init_sigma);
    CHECK(scheduler->order() == run.entry.at("order").get<int>());
  });
}

TEST_CASE("each step on the stored inputs: model_input and prev_sample") {
  for_each_run([](const Run& run) {
    const auto scheduler = run.make();
    const auto timesteps = scheduler->timestep_values();
    double worst = 0;
    for (std::size_t i = 0; i < timesteps.size(); ++i) {
      INFO("step " << i << ", t = " << timesteps[i]);
      const auto step = run.prefix() + "step" + std::to_string(i) + ".";
      const auto sample = i == 0 ? fixtures().tensor(run.prefix() + "latents_init")
                                 : fixtures().tensor(run.prefix() + "step" + std::to_string(i - 1) + ".prev_sample");
      const auto model_input = scheduler->scale_model_input(sample, timesteps[i]);
      const auto expected_input = fixtures().tensor(step + "model_input");
      const double input_diff = max_abs_difference(model_input, expected_input);
      CHECK(input_diff <= latent_tolerance(expected_input));

      const auto output =
          scheduler->step(fixtures().tensor(step + "model_output"), timesteps[i], sample, stored_noise(run, i));
      const auto expected_sample = fixtures().tensor(step + "prev_sample");
      const double diff = max_abs_difference(output.prev_sample, expected_sample);
      CHECK(diff <= latent_tolerance(expected_sample));
      worst = std::max({worst, input_diff, diff});
    }
    MESSAGE(run.key << "." << run.steps << " step by step: max abs diff " << worst);
  });
}

TEST_CASE("whole trajectories with the toy denoiser") {
  for_each_run([](const Run& run) {
    const auto scheduler = run.make();
    const auto timesteps = scheduler->timestep_values();
    auto x = fixtures().tensor("noise_init") * scheduler->init_noise_sigma();
    CHECK_PARITY(x, fixtures().tensor(run.prefix() + "latents_init"), parity::kSchedulerLatents);
    double worst = 0;
    for (std::size_t i = 0; i < timesteps.size(); ++i) {
      INFO("step " << i << ", t = " << timesteps[i]);
      const auto step = run.prefix() + "step" + std::to_string(i) + ".";
      const auto x_in = scheduler->scale_model_input(x, timesteps[i]);
      const auto eps = 0.1 * x_in + 0.001 * timesteps[i];
      x = scheduler->step(eps, timesteps[i], x, stored_noise(run, i)).prev_sample;
      const auto expected = fixtures().tensor(step + "prev_sample");
      const double diff = max_abs_difference(x, expected);
      CHECK(diff <= latent_tolerance(expected));
      worst = std::max(worst, diff);
    }
    const auto expected_final = fixtures().tensor(run.prefix() + "final");
    const double final_diff = max_abs_difference(x, expected_final);
    CHECK(final_diff <= latent_tolerance(expected_final));
    MESSAGE(run.key << "." << run.steps << " trajectory: max abs diff " << std::max(worst, final_diff));
  });
}

// The DDIM runs of the pipeline fixtures: strength schedules, add_noise and steps on guided noise.
TEST_CASE("inpainting runs: strength timesteps, add_noise of the image latents and the DDIM steps") {
  const auto dir = backdrop::test::diffusion_fixtures();
  const auto config = load_diffusers_json(dir / "inpaint_config.json");
  const auto file = SafetensorsFile::open(dir / "inpaint_io.safetensors");
  const auto tensor = [&](const std::string& name) { return to_torch(file->tensor(name), file); };
  const auto steps = config.at("num_inference_steps").get<int64_t>();

  int runs = 0;
  for (const auto& [name, run] : config.at("runs").items()) {
    INFO("inpainting run " << name);
    const auto scheduler = make_scheduler("ddim", config.at("scheduler_config"));
    const auto strength = run.at("strength").get<double>();
    const auto schedule = set_timesteps_for_strength(*scheduler, steps, strength);
    CHECK(schedule.t_start == run.at("t_start").get<int64_t>());
    CHECK(schedule.num_inference_steps == run.at("num_steps_run").get<int64_t>());
    const auto expected = run.at("timesteps").get<std::vector<int64_t>>();
    REQUIRE(schedule.timesteps.numel() == static_cast<int64_t>(expected.size()));
    CHECK(torch::equal(schedule.timesteps, torch::tensor(expected, torch::kInt64)));

    const auto prefix = name + ".";
    const auto noise = tensor(prefix + "noise");
    const auto latents_init = tensor(prefix + "latents_init");
    if (strength < 1.0) {
      const auto image_latents = tensor(prefix + "image_latents");
      const auto noised = scheduler->add_noise(image_latents, noise, static_cast<double>(expected.front()));
      CHECK_PARITY(noised, latents_init, parity::kInpaintImageLatents);
    } else {
      CHECK(max_abs_difference(noise * scheduler->init_noise_sigma(), latents_init) == 0.0);
    }

    // 4-channel runs put the known region back after every step, noised to the next timestep.
    const bool blended = file->contains(prefix + "step0.latents_blended");
    auto latents = latents_init;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      INFO("step " << i);
      const auto step = prefix + "step" + std::to_string(i) + ".";
      const auto t = static_cast<double>(expected[i]);
      latents = scheduler->step(tensor(step + "noise_pred"), t, latents).prev_sample;
      CHECK_PARITY(latents, tensor(step + "latents"), parity::kInpaintStepLatents);
      if (blended) {
        const auto image_latents = tensor(prefix + "image_latents");
        const auto proper = i + 1 < expected.size()
                                ? scheduler->add_noise(image_latents, noise, static_cast<double>(expected[i + 1]))
                                : image_latents;
        CHECK_PARITY(proper, tensor(step + "init_latents_proper"), parity::kInpaintImageLatents);
        latents = tensor(step + "latents_blended");  // continue from the stored blend, step by step
      } else {
        latents = tensor(step + "latents");
      }
    }
    ++runs;
  }
  CHECK(runs > 0);
}
