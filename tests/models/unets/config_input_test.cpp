// Config files of downloaded models are untrusted: a number too large for a double (1e309) is a
// clear error of the reader's own type naming the file, never a raw nlohmann exception (found by
// fuzz_diffusers_config's family of targets: nlohmann::json::parse throws out_of_range, not
// parse_error, for it).

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "models/autoencoders/vae_config.h"
#include "models/controlnets/controlnet_config.h"
#include "models/schedulers/scheduler_config.h"
#include "models/text_encoders/clip_text_config.h"
#include "models/tokenizers/clip_tokenizer.h"
#include "models/unets/unet_config.h"
#include "support/test_data.h"

using namespace backdrop::models;

namespace {

std::filesystem::path write_config(const std::string& name, const std::string& text) {
  const auto path = backdrop::test::scratch_dir("models-config-input") / name;
  std::ofstream(path) << text;
  return path;
}

constexpr const char* kHugeNumber = R"({"hidden_size": 1e309})";

}  // namespace

TEST_CASE("a number beyond double's range is each reader's own error, naming the file") {
  const auto path = write_config("config.json", kHugeNumber);
  const auto names_file = [&](const std::string& message) {
    return message.find(path.string()) != std::string::npos && message.find("number overflow") != std::string::npos;
  };
  try {
    (void)AutoencoderKLConfig::from_file(path);
    FAIL("no error");
  } catch (const std::runtime_error& error) {
    CHECK(names_file(error.what()));
  }
  try {
    (void)ClipTextConfig::from_file(path);
    FAIL("no error");
  } catch (const std::invalid_argument& error) {
    CHECK(names_file(error.what()));
  }
  try {
    (void)load_diffusers_json(path);
    FAIL("no error");
  } catch (const SchedulerConfigError& error) {
    CHECK(names_file(error.what()));
  }
  try {
    (void)load_unet_config(path);
    FAIL("no error");
  } catch (const ConfigError& error) {
    CHECK(names_file(error.what()));
  }
}

TEST_CASE("a tokenizer config with a number beyond double's range is a TokenizerError") {
  const auto folder = backdrop::test::scratch_dir("models-config-input-tokenizer");
  std::ofstream(folder / "tokenizer_config.json") << R"({"model_max_length": 1e309})";
  CHECK_THROWS_AS(ClipTokenizerConfig::from_folder(folder), TokenizerError);
}

TEST_CASE("an integer field holding a number beyond the integer's range is refused, not cast") {
  // nlohmann casts a float to an integer without a check: undefined behaviour found by
  // fuzz_diffusers_config in the VAE reader ("in_channels": 4.2e20).
  const auto has = [](const std::string& message, const std::string& part) {
    return message.find(part) != std::string::npos;
  };
  const auto vae = write_config("vae.json", R"({"in_channels": 4.18447e20})");
  CHECK_THROWS_WITH_AS(
      AutoencoderKLConfig::from_file(vae),
      (vae.string() + ": AutoencoderKL config: key 'in_channels' must hold integers within range").c_str(),
      std::runtime_error);
  const auto vae_list = write_config("vae-list.json", R"({"block_out_channels": [128, 1e300]})");
  CHECK_THROWS_AS(AutoencoderKLConfig::from_file(vae_list), std::runtime_error);
  const auto vae_edge = write_config("vae-edge.json", R"({"sample_size": [1e300, 64]})");
  CHECK_THROWS_AS(AutoencoderKLConfig::from_file(vae_edge), std::runtime_error);

  const auto text = write_config("text.json", R"({"hidden_size": 1e30})");
  try {
    (void)ClipTextConfig::from_file(text);
    FAIL("no error");
  } catch (const std::invalid_argument& error) {
    CHECK(has(error.what(), "field 'hidden_size' must be an integer within range"));
  }

  auto unet = nlohmann::json::parse(std::ifstream(backdrop::test::diffusion_fixtures() / "unet_config.json"));
  unet["in_channels"] = 1e30;
  try {
    (void)parse_unet_config(unet, "unet.json");
    FAIL("no error");
  } catch (const ConfigError& error) {
    CHECK(std::string(error.what()) == "unet.json: 'in_channels' must hold integers within range");
  }
  auto controlnet =
      nlohmann::json::parse(std::ifstream(backdrop::test::diffusion_fixtures() / "controlnet_config.json"));
  controlnet["conditioning_channels"] = 3.5e19;
  CHECK_THROWS_WITH_AS(parse_controlnet_config(controlnet, "controlnet.json"),
                       "controlnet.json: 'conditioning_channels' must hold integers within range", ConfigError);
  controlnet["conditioning_channels"] = 3;
  controlnet["conditioning_embedding_out_channels"] = {16, 1e300};
  CHECK_THROWS_WITH_AS(parse_controlnet_config(controlnet, "controlnet.json"),
                       "controlnet.json: 'conditioning_embedding_out_channels' must hold integers within range",
                       ConfigError);
}
