// libFuzzer target for the config.json files of a diffusers folder (or a downloaded model): the
// input is written to a scratch config.json and read by every production reader: the UNet and
// ControlNet readers, the VAE and text encoder readers, and the scheduler's Python-JSON reader with
// the SchedulerConfig accessors the schedulers read their keys through (the schedulers themselves
// compute with libtorch and are not built here). Each reader may throw only its documented error.

#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "fuzz_support.h"
#include "models/autoencoders/vae_config.h"
#include "models/controlnets/controlnet_config.h"
#include "models/schedulers/scheduler_config.h"
#include "models/text_encoders/clip_text_config.h"
#include "models/unets/unet_config.h"

using namespace backdrop::models;
using backdrop::fuzz::expect_only;

namespace {

// The keys the schedulers read, through the same accessors.
void read_scheduler_keys(const SchedulerConfig& config) {
  (void)config.integer("num_train_timesteps", 1000);
  (void)config.integer("steps_offset", 0);
  (void)config.integer("solver_order", 2);
  (void)config.number("beta_start", 0.0001);
  (void)config.number("lambda_min_clipped", -1e30);
  (void)config.optional_number("sigma_min");
  (void)config.numbers("trained_betas");
  (void)config.boolean("clip_sample", true);
  (void)config.is_set("timestep_spacing");
  (void)config.choice("beta_schedule", "linear", {"linear", "scaled_linear", "squaredcos_cap_v2"});
  (void)config.choice("prediction_type", "epsilon", {"epsilon", "v_prediction", "sample"});
  config.require_boolean("thresholding", false, false);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto path = backdrop::fuzz::write_scratch_file("config.json", data, size);
  expect_only<ConfigError>([&] { (void)load_unet_config(path); });
  expect_only<ConfigError>([&] { (void)load_controlnet_config(path); });
  expect_only<std::runtime_error>([&] { (void)AutoencoderKLConfig::from_file(path); });
  expect_only<std::invalid_argument>([&] { (void)ClipTextConfig::from_file(path); });
  expect_only<SchedulerConfigError>([&] { read_scheduler_keys(SchedulerConfig(load_diffusers_json(path), "fuzz")); });
  return 0;
}
