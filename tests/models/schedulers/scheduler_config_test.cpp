// Scheduler configs: what is accepted (diffusers' real configs, Python's JSON), and what is an
// error that names the problem (unknown class or value, wrong type, bad step counts).

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "models/schedulers/scheduler_factory.h"
#include "support/doctest_torch.h"
#include "support/test_data.h"

using namespace backdrop::models;
using nlohmann::json;

namespace {

// Stable Diffusion 1.5's scheduler_config.json as published (PNDM), unknown keys included.
json sd15_config() {
  return json::parse(R"({
    "_class_name": "PNDMScheduler", "_diffusers_version": "0.6.0", "beta_end": 0.012,
    "beta_schedule": "scaled_linear", "beta_start": 0.00085, "num_train_timesteps": 1000,
    "set_alpha_to_one": false, "skip_prk_steps": true, "steps_offset": 1, "trained_betas": null,
    "clip_sample": false})");
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const SchedulerConfigError& error) {
    return error.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a real diffusers config builds the class named by _class_name; unknown keys are ignored") {
  const auto scheduler = make_scheduler(sd15_config());
  CHECK(scheduler->class_name() == "PNDMScheduler");
  scheduler->set_timesteps(50);
  CHECK(scheduler->timesteps().numel() == 51);
  CHECK(scheduler->timesteps()[0].item<int64_t>() == 981);

  // Every short name accepts the SD config (options of other classes are ignored, as in diffusers).
  for (const auto& name : scheduler_names()) {
    INFO(name);
    const auto other = make_scheduler(name, sd15_config());
    other->set_timesteps(20);
    CHECK(other->timesteps().numel() >= 20);
  }
}

TEST_CASE("short names pick the class and force their defining options") {
  auto config = sd15_config();
  config["use_karras_sigmas"] = false;
  const auto karras = make_scheduler("dpmpp_2m_karras", config);
  const auto plain = make_scheduler("dpmpp_2m", config);
  CHECK(karras->class_name() == "DPMSolverMultistepScheduler");
  karras->set_timesteps(20);
  plain->set_timesteps(20);
  CHECK_FALSE(torch::equal(karras->timesteps(), plain->timesteps()));
  // Diffusers class names work as names too.
  CHECK(make_scheduler("UniPCMultistepScheduler", config)->class_name() == "UniPCMultistepScheduler");
}

TEST_CASE("Python's JSON spellings of non-finite numbers are read") {
  const auto config = parse_diffusers_json(R"({"_class_name": "DPMSolverMultistepScheduler",
      "lambda_min_clipped": -Infinity, "note": "NaN and Infinity stay text in \"strings\"", "x": NaN})");
  CHECK(config.at("note") == "NaN and Infinity stay text in \"strings\"");
  CHECK(config.at("lambda_min_clipped") == "-Infinity");
  const auto scheduler = make_scheduler(config);
  scheduler->set_timesteps(10);
  CHECK(scheduler->timesteps()[0].item<int64_t>() == 999);

  // A finite lambda_min_clipped drops the noisiest timesteps (SD betas: lambda is about -2.7 at t = 999).
  auto clipped = config;
  clipped["beta_schedule"] = "scaled_linear";
  clipped["beta_start"] = 0.00085;
  clipped["beta_end"] = 0.012;
  clipped["lambda_min_clipped"] = -2.0;
  const auto clipped_scheduler = make_scheduler(clipped);
  clipped_scheduler->set_timesteps(10);
  CHECK(clipped_scheduler->timesteps()[0].item<int64_t>() < 999);

  CHECK(contains(error_of([] { parse_diffusers_json("{\"a\": }", "broken.json"); }), "broken.json"));
}

TEST_CASE("load_scheduler reads a scheduler_config.json file") {
  const auto dir = backdrop::test::scratch_dir("scheduler-config");
  std::ofstream(dir / "scheduler_config.json") << sd15_config().dump(2);
  CHECK(load_scheduler(dir / "scheduler_config.json")->class_name() == "PNDMScheduler");
  CHECK(contains(error_of([&] { load_scheduler(dir / "missing.json"); }), "missing.json"));
}

TEST_CASE("unknown classes and names are errors that list the supported ones") {
  auto config = sd15_config();
  config["_class_name"] = "LMSDiscreteScheduler";
  const auto error = error_of([&] { make_scheduler(config); });
  CHECK(contains(error, "LMSDiscreteScheduler"));
  CHECK(contains(error, "euler_ancestral"));
  CHECK(contains(error_of([] { make_scheduler("heun", json::object()); }), "'heun'"));
  CHECK(contains(error_of([] { make_scheduler(json::object()); }), "_class_name"));
}

TEST_CASE("unknown values of known options are errors naming option and value") {
  const auto error_for = [](const std::string& name, const std::string& key, const json& value) {
    auto config = sd15_config();
    config[key] = value;
    return error_of([&] { make_scheduler(name, config); });
  };
  const auto beta = error_for("ddim", "beta_schedule", "cosine");
  CHECK(contains(beta, "beta_schedule"));
  CHECK(contains(beta, "cosine"));
  CHECK(contains(beta, "DDIMScheduler"));
  CHECK(contains(error_for("euler", "timestep_spacing", "middle"), "timestep_spacing"));
  CHECK(contains(error_for("unipc", "prediction_type", "flow"), "prediction_type"));
  CHECK(contains(error_for("dpmpp_2m", "final_sigmas_type", "one"), "final_sigmas_type"));
  CHECK(contains(error_for("unipc", "solver_type", "rk4"), "solver_type"));
  // Wrong types.
  CHECK(contains(error_for("ddim", "num_train_timesteps", "1000"), "num_train_timesteps"));
  CHECK(contains(error_for("ddim", "clip_sample", 1), "clip_sample"));
  CHECK(contains(error_for("ddim", "trained_betas", json::array({0.1, 0.2})), "trained_betas"));
  // Options whose other values change the algorithm in ways not implemented here.
  CHECK(contains(error_for("pndm", "skip_prk_steps", "yes"), "skip_prk_steps"));
  CHECK(contains(error_for("ddim", "thresholding", true), "thresholding"));
  CHECK(contains(error_for("unipc", "solver_order", 3), "solver_order"));
  CHECK(contains(error_for("DPMSolverMultistepScheduler", "algorithm_type", "sde-dpmsolver++"), "algorithm_type"));
  CHECK(contains(error_for("euler_ancestral", "prediction_type", "sample"), "prediction_type"));
}

TEST_CASE("step counts below 1 or above num_train_timesteps are errors") {
  for (const auto& name : scheduler_names()) {
    INFO(name);
    const auto scheduler = make_scheduler(name, sd15_config());
    CHECK(contains(error_of([&] { scheduler->set_timesteps(0); }), "at least 1"));
    CHECK(contains(error_of([&] { scheduler->set_timesteps(1001); }), "1000"));
    CHECK_THROWS_AS(scheduler->step(torch::zeros({1, 4, 2, 2}), 1, torch::zeros({1, 4, 2, 2})), std::logic_error);
  }
}

TEST_CASE("beta schedules: linear, scaled_linear, squaredcos_cap_v2, trained_betas") {
  json config = {{"num_train_timesteps", 10}, {"beta_start", 0.001}, {"beta_end", 0.01}};
  config["beta_schedule"] = "linear";
  auto betas = make_scheduler("ddim", config)->noise_schedule().betas;
  CHECK(betas[0].item<float>() == doctest::Approx(0.001));
  CHECK(betas[9].item<float>() == doctest::Approx(0.01));
  config["beta_schedule"] = "scaled_linear";
  betas = make_scheduler("ddim", config)->noise_schedule().betas;
  CHECK(betas[9].item<float>() == doctest::Approx(0.01));
  CHECK(betas[5].item<float>() < 0.001 + 5 * 0.001);  // below the linear ramp
  config["beta_schedule"] = "squaredcos_cap_v2";
  betas = make_scheduler("ddim", config)->noise_schedule().betas;
  CHECK(betas[9].item<float>() == doctest::Approx(0.999));  // capped at max_beta
  config["trained_betas"] = json::array({0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1});
  const auto alphas_cumprod = make_scheduler("ddim", config)->noise_schedule().alphas_cumprod;
  CHECK(alphas_cumprod[2].item<float>() == doctest::Approx(0.729));
}
