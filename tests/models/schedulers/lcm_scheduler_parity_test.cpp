// LCMScheduler against diffusers v0.30.3 (fixture README, "LCM scheduler"): for each run stored in
// lcm_scheduler.json, the timesteps, each step on the stored inputs (model_input -> denoised and
// prev_sample), the re-noising draws of the CPU generator and the whole toy-model trajectory.

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "models/loaders/torch_tensors.h"
#include "models/runtime/random.h"
#include "models/schedulers/scheduler_factory.h"
#include "support/doctest_torch.h"
#include "support/test_data.h"

using namespace backdrop::models;

namespace {

constexpr double kLatentTolerance = 2e-4;   // per-step latents (README tolerances, schedulers)
constexpr double kNoiseTolerance = 4.8e-7;  // ATen's CPU randn vs the stored draws (README, CPU random numbers)

struct Fixtures {
  nlohmann::json config;
  std::shared_ptr<const SafetensorsFile> tensors;

  torch::Tensor tensor(const std::string& name) const { return to_torch(tensors->tensor(name), tensors); }
  bool has(const std::string& name) const { return tensors->contains(name); }
  uint64_t seed() const { return config.at("noise_generator_seed").get<uint64_t>(); }
};

const Fixtures& fixtures() {
  static const Fixtures loaded = [] {
    const auto dir = backdrop::test::diffusion_fixtures();
    return Fixtures{load_diffusers_json(dir / "lcm_scheduler.json"),
                    SafetensorsFile::open(dir / "lcm_scheduler.safetensors")};
  }();
  return loaded;
}

struct Run {
  int64_t steps;
  const nlohmann::json& entry;

  std::string prefix() const { return "lcm." + std::to_string(steps) + "."; }
  std::string step(std::size_t i) const { return prefix() + "step" + std::to_string(i) + "."; }
  std::unique_ptr<Scheduler> make() const {
    auto scheduler = make_scheduler("lcm", fixtures().config.at("config"));
    scheduler->set_timesteps(steps);
    return scheduler;
  }
};

void for_each_run(const std::function<void(const Run&)>& check) {
  int runs = 0;
  for (const auto& [steps, entry] : fixtures().config.at("runs").items()) {
    const Run run{std::stoll(steps), entry};
    INFO("LCM, " << steps << " steps");
    check(run);
    ++runs;
  }
  REQUIRE(runs > 0);
}

double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
  REQUIRE(a.sizes() == b.sizes());
  return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

}  // namespace

TEST_CASE("the short name lcm builds diffusers' LCMScheduler with init_noise_sigma 1 and order 1") {
  const auto scheduler = make_scheduler("lcm", fixtures().config.at("config"));
  CHECK(scheduler->class_name() == "LCMScheduler");
  CHECK(scheduler->init_noise_sigma() == 1.0);
  CHECK(scheduler->order() == 1);
  CHECK_FALSE(scheduler->sigmas().defined());
}

TEST_CASE("timesteps are exact") {
  for_each_run([](const Run& run) {
    const auto scheduler = run.make();
    const auto expected = run.entry.at("timesteps").get<std::vector<int64_t>>();
    CHECK(static_cast<int64_t>(expected.size()) == run.entry.at("num_steps_run").get<int64_t>());
    CHECK((scheduler->timesteps().scalar_type() == torch::kInt64));
    CHECK(torch::equal(scheduler->timesteps(), torch::tensor(expected, torch::kInt64)));
    CHECK(max_abs_diff(scheduler->timesteps(), fixtures().tensor(run.prefix() + "timesteps")) == 0.0);
  });
}

TEST_CASE("the re-noising draws are the CPU generator's consecutive draws, one per step but the last") {
  for_each_run([](const Run& run) {
    const auto n = run.entry.at("timesteps").size();
    const auto shape = fixtures().tensor("noise_init").sizes().vec();  // owns its sizes
    RandomGenerator generator(fixtures().seed());
    for (std::size_t i = 0; i + 1 < n; ++i) {
      INFO("step " << i);
      CHECK(max_abs_diff(generator.randn(shape), fixtures().tensor(run.step(i) + "noise")) <= kNoiseTolerance);
    }
    CHECK_FALSE(fixtures().has(run.step(n - 1) + "noise"));
  });
}

TEST_CASE("each step on the stored inputs: model_input, denoised and prev_sample") {
  for_each_run([](const Run& run) {
    const auto scheduler = run.make();
    const auto timesteps = scheduler->timestep_values();
    double worst = 0;
    for (std::size_t i = 0; i < timesteps.size(); ++i) {
      INFO("step " << i << ", t = " << timesteps[i]);
      const auto sample = i == 0 ? fixtures().tensor(run.prefix() + "latents_init")
                                 : fixtures().tensor(run.step(i - 1) + "prev_sample");
      const auto model_input = scheduler->scale_model_input(sample, timesteps[i]);
      const double input_diff = max_abs_diff(model_input, fixtures().tensor(run.step(i) + "model_input"));
      CHECK(input_diff <= kLatentTolerance);

      StepOptions options;
      const bool last = i + 1 == timesteps.size();
      if (!last) options.noise = fixtures().tensor(run.step(i) + "noise");
      const auto output =
          scheduler->step(fixtures().tensor(run.step(i) + "model_output"), timesteps[i], sample, options);
      REQUIRE(output.denoised.defined());
      const double denoised_diff = max_abs_diff(output.denoised, fixtures().tensor(run.step(i) + "denoised"));
      const double prev_diff = max_abs_diff(output.prev_sample, fixtures().tensor(run.step(i) + "prev_sample"));
      CHECK(denoised_diff <= kLatentTolerance);
      CHECK(prev_diff <= kLatentTolerance);
      if (last) CHECK(torch::equal(output.prev_sample, output.denoised));
      worst = std::max({worst, input_diff, denoised_diff, prev_diff});
    }
    MESSAGE("lcm." << run.steps << " step by step: max abs diff " << worst);
  });
}

TEST_CASE("whole trajectories with the toy denoiser and the seeded CPU generator") {
  for_each_run([](const Run& run) {
    const auto scheduler = run.make();
    const auto timesteps = scheduler->timestep_values();
    RandomGenerator generator(fixtures().seed());
    auto x = fixtures().tensor("noise_init") * scheduler->init_noise_sigma();
    CHECK(max_abs_diff(x, fixtures().tensor(run.prefix() + "latents_init")) <= kLatentTolerance);
    double worst = 0;
    torch::Tensor result;
    for (std::size_t i = 0; i < timesteps.size(); ++i) {
      INFO("step " << i << ", t = " << timesteps[i]);
      const auto x_in = scheduler->scale_model_input(x, timesteps[i]);
      CHECK(max_abs_diff(x_in, fixtures().tensor(run.step(i) + "model_input")) <= kLatentTolerance);
      const auto eps = 0.1 * x_in + 0.001 * timesteps[i];
      StepOptions options;
      options.generator = &generator;
      const auto output = scheduler->step(eps, timesteps[i], x, options);
      x = output.prev_sample;
      result = result_sample(output);
      const double denoised_diff = max_abs_diff(output.denoised, fixtures().tensor(run.step(i) + "denoised"));
      const double prev_diff = max_abs_diff(x, fixtures().tensor(run.step(i) + "prev_sample"));
      CHECK(denoised_diff <= kLatentTolerance);
      CHECK(prev_diff <= kLatentTolerance);
      worst = std::max({worst, denoised_diff, prev_diff});
    }
    const double final_diff = max_abs_diff(result, fixtures().tensor(run.prefix() + "final"));
    CHECK(final_diff <= kLatentTolerance);
    CHECK(torch::equal(result, x));  // the last step returns its denoised sample, no noise

    // n - 1 draws were taken: the generator's next draw is a fresh generator's n-th.
    RandomGenerator fresh(fixtures().seed());
    const auto shape = x.sizes();
    for (std::size_t i = 0; i + 1 < timesteps.size(); ++i) fresh.randn(shape);
    CHECK(torch::equal(generator.randn(shape), fresh.randn(shape)));
    MESSAGE("lcm." << run.steps << " trajectory: max abs diff " << std::max(worst, final_diff));
  });
}

TEST_CASE("more steps than original_inference_steps is an error naming both") {
  auto config = fixtures().config.at("config");
  config["original_inference_steps"] = 4;
  const auto scheduler = make_scheduler("lcm", config);
  CHECK_NOTHROW(scheduler->set_timesteps(4));
  CHECK_THROWS_WITH_AS(scheduler->set_timesteps(5), doctest::Contains("original_inference_steps"),
                       SchedulerConfigError);
}
