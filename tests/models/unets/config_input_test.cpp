// Config files of downloaded models are untrusted: a number too large for a double (1e309) is a
// clear error of the reader's own type naming the file, never a raw nlohmann exception (found by
// fuzz_diffusers_config's family of targets: nlohmann::json::parse throws out_of_range, not
// parse_error, for it).

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "models/autoencoders/vae_config.h"
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
