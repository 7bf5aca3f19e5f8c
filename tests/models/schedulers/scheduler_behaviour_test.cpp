// Scheduler behaviour that the pipelines rely on beyond the diffusers fixtures: batches, dtypes,
// add_noise per batch item, strength schedules and the noise of stochastic steps.

#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "models/runtime/random.h"
#include "models/schedulers/scheduler_factory.h"
#include "models/schedulers/strength.h"
#include "support/doctest_torch.h"

using namespace backdrop::models;
using nlohmann::json;

namespace {

const json& sd15() {
  static const json config = {{"beta_schedule", "scaled_linear"}, {"beta_start", 0.00085}, {"beta_end", 0.012},
                              {"num_train_timesteps", 1000},       {"steps_offset", 1},       {"clip_sample", false},
                              {"set_alpha_to_one", false},         {"skip_prk_steps", true}};
  return config;
}

// Runs a whole toy trajectory (the fixtures' denoiser) and returns the final sample.
torch::Tensor run_toy(Scheduler& scheduler, torch::Tensor x, int64_t steps, RandomGenerator* generator = nullptr) {
  scheduler.set_timesteps(steps);
  x = x * scheduler.init_noise_sigma();
  for (const double t : scheduler.timestep_values()) {
    const auto x_in = scheduler.scale_model_input(x, t);
    const auto eps = 0.1 * x_in.to(torch::kFloat32) + 0.001 * t;
    StepOptions options;
    options.generator = generator;
    x = scheduler.step(eps.to(x.scalar_type()), t, x, options).prev_sample;
  }
  return x;
}

double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

}  // namespace

TEST_CASE("a batch steps each item as if it were alone") {
  for (const auto& name : scheduler_names()) {
    INFO(name);
    RandomGenerator noise(5);
    const auto a = noise.randn({1, 4, 6, 5});
    const auto b = noise.randn({1, 4, 6, 5});
    RandomGenerator g_batch(11);
    RandomGenerator g_single(11);
    const auto batch = run_toy(*make_scheduler(name, sd15()), torch::cat({a, b}), 8, &g_batch);
    // Stochastic schedulers draw one [2, ...] tensor per step in the batch run; the single runs
    // draw [1, ...] tensors, so compare the deterministic ones item by item.
    if (name == "euler_ancestral" || name == "lcm") {
      CHECK(batch.sizes() == torch::IntArrayRef({2, 4, 6, 5}));
      CHECK(torch::isfinite(batch).all().item<bool>());
      continue;
    }
    const auto single_a = run_toy(*make_scheduler(name, sd15()), a, 8, &g_single);
    const auto single_b = run_toy(*make_scheduler(name, sd15()), b, 8, &g_single);
    CHECK(max_abs_diff(batch[0], single_a[0]) <= 1e-6);
    CHECK(max_abs_diff(batch[1], single_b[0]) <= 1e-6);
    CHECK(max_abs_diff(batch[0], batch[1]) > 1e-3);  // the items really differ
  }
}

TEST_CASE("float16 and float64 samples: computed in at least float32, returned in the model's dtype") {
  for (const auto& name : scheduler_names()) {
    INFO(name);
    const auto x = RandomGenerator(3).randn({2, 4, 4, 4});
    RandomGenerator g32(1);
    RandomGenerator g16(1);
    RandomGenerator g64(1);
    const auto reference = run_toy(*make_scheduler(name, sd15()), x, 6, &g32);
    const auto half = run_toy(*make_scheduler(name, sd15()), x.to(torch::kFloat16), 6, &g16);
    const auto wide = run_toy(*make_scheduler(name, sd15()), x.to(torch::kFloat64), 6, &g64);
    CHECK((half.scalar_type() == torch::kFloat16));
    CHECK((wide.scalar_type() == torch::kFloat64));
    const double scale = reference.abs().max().item<double>();
    CHECK(max_abs_diff(half, reference) <= 1e-2 * std::max(scale, 1.0));
    CHECK(max_abs_diff(wide, reference) <= 1e-4 * std::max(scale, 1.0));
  }
}

TEST_CASE("add_noise takes one timestep per batch item (DDPM form for DDIM)") {
  const auto scheduler = make_scheduler("ddim", sd15());
  scheduler->set_timesteps(10);
  const auto original = torch::ones({2, 1, 2, 2});
  const auto noise = torch::full({2, 1, 2, 2}, 2.0);
  const auto noisy = scheduler->add_noise(original, noise, torch::tensor({901, 1}, torch::kInt64));
  const auto alphas = scheduler->noise_schedule().alphas_cumprod;
  for (int i = 0; i < 2; ++i) {
    const float alpha = alphas[i == 0 ? 901 : 1].item<float>();
    const float expected = std::sqrt(alpha) + 2.0f * std::sqrt(1.0f - alpha);
    CHECK(noisy[i].min().item<float>() == doctest::Approx(expected).epsilon(1e-6));
    CHECK(noisy[i].max().item<float>() == doctest::Approx(expected).epsilon(1e-6));
  }
  CHECK_THROWS_AS(scheduler->add_noise(original, noise, torch::tensor({1, 2, 3})), std::invalid_argument);
}

TEST_CASE("add_noise of the sigma schedulers uses the sigma of the begin index") {
  const auto scheduler = make_scheduler("euler", sd15());
  const auto schedule = set_timesteps_for_strength(*scheduler, 10, 0.5);
  const auto first = schedule.timesteps[0].item<double>();
  const float sigma = scheduler->sigmas()[schedule.t_start].item<float>();
  const auto noisy = scheduler->add_noise(torch::zeros({1, 1, 1, 1}), torch::ones({1, 1, 1, 1}), first);
  CHECK(noisy.item<float>() == doctest::Approx(sigma));
  // scale_model_input starts at the begin index too.
  const auto scaled = scheduler->scale_model_input(torch::ones({1}), first);
  CHECK(scaled.item<float>() == doctest::Approx(1.0 / std::sqrt(sigma * sigma + 1.0)));
}

TEST_CASE("strength: init_timestep = min(int(N * strength), N), t_start = N - init_timestep") {
  const auto scheduler = make_scheduler("ddim", sd15());
  auto schedule = set_timesteps_for_strength(*scheduler, 10, 0.75);  // README: 7 steps from 601
  CHECK(schedule.t_start == 3);
  CHECK(schedule.num_inference_steps == 7);
  CHECK(schedule.timesteps.numel() == 7);
  CHECK(schedule.timesteps[0].item<int64_t>() == 601);
  CHECK(schedule.timesteps[-1].item<int64_t>() == 1);

  schedule = set_timesteps_for_strength(*scheduler, 10, 1.0);
  CHECK(schedule.t_start == 0);
  CHECK(schedule.timesteps[0].item<int64_t>() == 901);
  schedule = set_timesteps_for_strength(*scheduler, 10, 0.0);
  CHECK(schedule.timesteps.numel() == 0);
  CHECK(schedule.num_inference_steps == 0);
  schedule = set_timesteps_for_strength(*scheduler, 3, 0.5);  // int(1.5) = 1 step
  CHECK(schedule.num_inference_steps == 1);
  CHECK_THROWS_AS(set_timesteps_for_strength(*scheduler, 10, 1.5), std::invalid_argument);
  CHECK_THROWS_AS(set_timesteps_for_strength(*scheduler, 10, -0.1), std::invalid_argument);
}

TEST_CASE("a multistep run started by strength steps from the begin index") {
  const auto scheduler = make_scheduler("dpmpp_2m", sd15());
  const auto schedule = set_timesteps_for_strength(*scheduler, 20, 0.5);
  const auto x = RandomGenerator(0).randn({1, 4, 4, 4});
  const auto t = schedule.timesteps[0].item<double>();
  scheduler->step(0.1 * x, t, x);
  CHECK(scheduler->step_index() == schedule.t_start + 1);
}

TEST_CASE("DDIM with eta > 0 adds eta * sigma_t * noise to the deterministic step") {
  const auto scheduler = make_scheduler("ddim", sd15());
  scheduler->set_timesteps(10);
  const auto x = RandomGenerator(1).randn({1, 2, 3, 3});
  const auto model_output = RandomGenerator(2).randn({1, 2, 3, 3});
  const auto noise = RandomGenerator(3).randn({1, 2, 3, 3});

  StepOptions options;
  options.eta = 0.5;
  options.noise = noise;
  const auto with_noise = scheduler->step(model_output, 501, x, options).prev_sample;
  options.noise = torch::zeros_like(noise);
  const auto without_noise = scheduler->step(model_output, 501, x, options).prev_sample;

  // sigma_t of the DDIM paper, Eq. (16), from 501 to 401.
  const auto alphas = scheduler->noise_schedule().alphas_cumprod;
  const double a_t = alphas[501].item<float>();
  const double a_prev = alphas[401].item<float>();
  const double sigma_t = 0.5 * std::sqrt((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev));
  CHECK(max_abs_diff(with_noise - without_noise, sigma_t * noise) <= 1e-5);

  // Drawn from a generator: reproducible, and the generator advances.
  RandomGenerator g1(9);
  RandomGenerator g2(9);
  StepOptions drawn;
  drawn.eta = 1.0;
  drawn.generator = &g1;
  const auto first = scheduler->step(model_output, 501, x, drawn).prev_sample;
  const auto second = scheduler->step(model_output, 501, x, drawn).prev_sample;
  drawn.generator = &g2;
  CHECK(torch::equal(scheduler->step(model_output, 501, x, drawn).prev_sample, first));
  CHECK_FALSE(torch::equal(first, second));
}

TEST_CASE("Euler ancestral: the step noise is injectable and scaled by sigma_up") {
  const auto scheduler = make_scheduler("euler_ancestral", sd15());
  scheduler->set_timesteps(10);
  const auto t = scheduler->timestep_values()[0];
  const auto x = RandomGenerator(1).randn({1, 2, 3, 3});
  const auto model_output = RandomGenerator(2).randn({1, 2, 3, 3});
  StepOptions options;
  options.noise = torch::zeros({1, 2, 3, 3});
  const auto base = scheduler->step(model_output, t, x, options).prev_sample;

  const auto second = make_scheduler("euler_ancestral", sd15());
  second->set_timesteps(10);
  options.noise = torch::ones({1, 2, 3, 3});
  const auto shifted = second->step(model_output, t, x, options).prev_sample;

  const double from = scheduler->sigmas()[0].item<float>();
  const double to = scheduler->sigmas()[1].item<float>();
  const double sigma_up = std::sqrt(to * to * (from * from - to * to) / (from * from));
  CHECK(max_abs_diff(shifted - base, torch::full({1, 2, 3, 3}, sigma_up)) <= 1e-5);
  options.noise = torch::ones({2, 2});
  CHECK_THROWS_AS(second->step(model_output, second->timestep_values()[1], x, options), std::invalid_argument);
}

TEST_CASE("prediction types: sample and v_prediction outputs equivalent to an epsilon output step alike") {
  // With alpha_t = 1 / sqrt(sigma^2 + 1), sigma_t = sigma alpha_t: x0 = (x_vp - sigma_t eps) / alpha_t and
  // v = alpha_t eps - sigma_t x0 describe the same prediction as eps.
  auto config = sd15();
  const auto x = RandomGenerator(4).randn({1, 4, 2, 2});
  const auto eps = RandomGenerator(5).randn({1, 4, 2, 2});
  for (const auto& name : {"ddim", "euler", "dpmpp_2m", "unipc"}) {
    INFO(name);
    config.erase("prediction_type");
    const auto reference = make_scheduler(name, config);
    reference->set_timesteps(10);
    const double t = reference->timestep_values()[0];
    reference->scale_model_input(x, t);
    const auto out = reference->step(eps, t, x);
    REQUIRE(out.pred_original_sample.defined());
    const auto x0 = out.pred_original_sample;

    const double sigma = reference->sigmas().defined()
                             ? reference->sigmas()[0].item<double>()
                             : std::sqrt(1.0 / reference->noise_schedule().alphas_cumprod[static_cast<int64_t>(t)]
                                                   .item<double>() - 1.0);
    const double alpha_t = 1.0 / std::sqrt(sigma * sigma + 1.0);
    const double sigma_t = sigma * alpha_t;
    const std::pair<const char*, torch::Tensor> equivalents[] = {{"sample", x0},
                                                                 {"v_prediction", alpha_t * eps - sigma_t * x0}};
    for (const auto& [type, model_output] : equivalents) {
      INFO(type);
      config["prediction_type"] = type;
      const auto scheduler = make_scheduler(name, config);
      scheduler->set_timesteps(10);
      scheduler->scale_model_input(x, t);
      const auto result = scheduler->step(model_output, t, x);
      CHECK(max_abs_diff(result.prev_sample, out.prev_sample) <= 1e-4);
      CHECK(max_abs_diff(result.pred_original_sample, x0) <= 1e-4);
    }
  }
}

TEST_CASE("PNDM without skip_prk_steps: three Runge-Kutta steps of four evaluations, then PLMS") {
  auto config = sd15();
  config["skip_prk_steps"] = false;
  const auto prk = make_scheduler("pndm", config);
  prk->set_timesteps(20);
  const std::vector<double> runge_kutta = {951, 926, 926, 901, 901, 876, 876, 851, 851, 826, 826, 801};
  const auto timesteps = prk->timestep_values();
  REQUIRE(timesteps.size() == 29);  // n + 9
  CHECK(std::vector<double>(timesteps.begin(), timesteps.begin() + 12) == runge_kutta);
  CHECK(timesteps[12] == 801);
  CHECK(timesteps[13] == 751);
  CHECK(timesteps.back() == 1);

  // With the same noise estimate at all four evaluations, the weights 1/6, 1/3, 1/3, 1/6 sum to one:
  // the fourth evaluation lands where a single PLMS step from 951 to 901 does.
  const auto x = RandomGenerator(8).randn({1, 4, 3, 3});
  const auto eps = RandomGenerator(9).randn({1, 4, 3, 3});
  torch::Tensor result;
  for (int i = 0; i < 4; ++i) result = prk->step(eps, timesteps[static_cast<std::size_t>(i)], x).prev_sample;
  const auto plms = make_scheduler("pndm", sd15());
  plms->set_timesteps(20);
  CHECK(max_abs_diff(result, plms->step(eps, 951, x).prev_sample) <= 1e-5);
  // The evaluations in between sit half way: not the same sample.
  CHECK(max_abs_diff(prk->step(eps, timesteps[4], x).prev_sample, result) > 1e-3);
}

TEST_CASE("timestep spacings as diffusers computes them (numpy linspace, arange, round half to even)") {
  struct Case {
    const char* name;
    const char* spacing;
    int64_t steps;
    std::vector<double> expected;
  };
  const Case cases[] = {
      // linspace(0, 999, 7) = 0, 166.5, 333, 499.5, ...: half to even gives 166 and 832.
      {"ddim", "linspace", 7, {999, 832, 666, 500, 333, 166, 0}},
      {"ddim", "trailing", 3, {999, 666, 332}},
      {"ddim", "trailing", 10, {999, 899, 799, 699, 599, 499, 399, 299, 199, 99}},
      {"ddim", "leading", 4, {751, 501, 251, 1}},
      {"pndm", "linspace", 7, {999, 832, 832, 666, 500, 333, 166, 0}},
      {"pndm", "trailing", 4, {999, 749, 749, 499, 249}},
      {"euler", "leading", 4, {751, 501, 251, 1}},
      {"euler", "trailing", 4, {999, 749, 499, 249}},
      {"euler", "linspace", 3, {999, 499.5, 0}},
      {"dpmpp_2m", "leading", 10, {901, 811, 721, 631, 541, 451, 361, 271, 181, 91}},
      {"dpmpp_2m", "trailing", 4, {999, 749, 499, 249}},
      {"unipc", "linspace", 3, {999, 666, 333}},
      {"unipc", "leading", 3, {751, 501, 251}},
  };
  for (const auto& c : cases) {
    INFO(c.name << " " << c.spacing << " " << c.steps);
    auto config = sd15();
    config["timestep_spacing"] = c.spacing;
    const auto scheduler = make_scheduler(c.name, config);
    scheduler->set_timesteps(c.steps);
    CHECK(scheduler->timestep_values() == c.expected);
  }
}

TEST_CASE("Euler with Karras sigmas and a sigma_min final sigma") {
  auto config = sd15();
  config["use_karras_sigmas"] = true;
  config["final_sigmas_type"] = "sigma_min";
  const auto scheduler = make_scheduler("euler", config);
  scheduler->set_timesteps(10);
  const auto sigmas = scheduler->sigmas();
  const auto alphas = scheduler->noise_schedule().alphas_cumprod;
  const double sigma_min = std::sqrt((1 - alphas[0].item<double>()) / alphas[0].item<double>());
  const double sigma_max = std::sqrt((1 - alphas[999].item<double>()) / alphas[999].item<double>());
  REQUIRE(sigmas.numel() == 11);
  CHECK(sigmas[0].item<double>() == doctest::Approx(sigma_max).epsilon(1e-5));
  CHECK(sigmas[10].item<double>() == doctest::Approx(sigma_min).epsilon(1e-5));
  // rho = 7: sigma_i^(1/7) is linear in i.
  const double step = std::pow(sigmas[1].item<double>(), 1 / 7.0) - std::pow(sigmas[0].item<double>(), 1 / 7.0);
  CHECK(std::pow(sigmas[5].item<double>(), 1 / 7.0) ==
        doctest::Approx(std::pow(sigmas[0].item<double>(), 1 / 7.0) + 5 * step).epsilon(1e-5));
  // The timesteps follow the sigmas back through the training table: 999 first, ~0 last.
  const auto timesteps = scheduler->timestep_values();
  CHECK(timesteps.front() == doctest::Approx(999).epsilon(1e-4));
  CHECK(timesteps.back() < 1.0);
  CHECK(std::is_sorted(timesteps.rbegin(), timesteps.rend()));
}
