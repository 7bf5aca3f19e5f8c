// The full-size SD 1.5 text encoder built from sd15_configs.json has exactly the parameter names and
// shapes of the real checkpoint, and the single-file name mapping gives exactly its original names.
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "models/loaders/state_dict.h"
#include "models/text_encoders/clip_text_ldm_keys.h"
#include "models/text_encoders/clip_text_model.h"
#include "support/test_data.h"
#include "support/doctest_torch.h"

using namespace backdrop::models;
using nlohmann::json;

namespace {

json read(const char* name) {
  std::ifstream file(backdrop::test::diffusion_fixtures() / name);
  REQUIRE(file);
  return json::parse(file);
}

using Shapes = std::map<std::string, std::vector<int64_t>>;

Shapes shapes_of(const json& object) {
  Shapes shapes;
  for (const auto& [name, shape] : object.items()) shapes.emplace(name, shape.get<std::vector<int64_t>>());
  return shapes;
}

ClipTextConfig sd15_config() {
  const auto path = backdrop::test::diffusion_fixtures() / "sd15_configs.json";
  return ClipTextConfig::from_file(path);
}

}  // namespace

TEST_CASE("the full-size text encoder has the checkpoint's names and shapes") {
  torch::NoGradGuard no_grad;
  const ClipTextModel model(sd15_config());
  const auto inventory = module_inventory(*model);
  const Shapes actual(inventory.begin(), inventory.end());
  const auto expected = shapes_of(read("sd15_keys_diffusers.json").at("text_encoder"));
  REQUIRE(!expected.empty());
  CHECK(actual.size() == expected.size());
  for (const auto& [name, shape] : expected) {
    CAPTURE(name);
    REQUIRE(actual.count(name) == 1);
    CHECK(actual.at(name) == shape);
  }
  const auto keys = clip_text_model_keys(model->config());
  CHECK(std::set<std::string>(keys.begin(), keys.end()).size() == keys.size());
  for (const auto& key : keys) CHECK(actual.count(key) == 1);
  CHECK(keys.size() == actual.size());
}

TEST_CASE("the name mapping gives exactly the text encoder keys of the original checkpoint") {
  const auto mapping = clip_text_diffusers_to_ldm_keys(sd15_config());
  const auto diffusers = shapes_of(read("sd15_keys_diffusers.json").at("text_encoder"));
  Shapes ldm_text_encoder;
  for (const auto& [name, shape] : shapes_of(read("sd15_keys_ldm.json"))) {
    if (name.rfind("cond_stage_model.", 0) == 0) ldm_text_encoder.emplace(name, shape);
  }
  REQUIRE(!ldm_text_encoder.empty());
  CHECK(mapping.size() == diffusers.size());
  CHECK(mapping.size() == ldm_text_encoder.size());

  std::set<std::string> mapped;
  for (const auto& [diffusers_name, ldm_name] : mapping) {
    CAPTURE(diffusers_name);
    REQUIRE(diffusers.count(diffusers_name) == 1);
    REQUIRE(ldm_text_encoder.count(ldm_name) == 1);
    CHECK(ldm_text_encoder.at(ldm_name) == diffusers.at(diffusers_name));
    mapped.insert(ldm_name);
  }
  CHECK(mapped.size() == ldm_text_encoder.size());

  const auto reference = read("sd15_keys_map.json").at("text_encoder").get<std::map<std::string, std::string>>();
  CHECK(mapping == reference);
}
