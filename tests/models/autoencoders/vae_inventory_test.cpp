// The full-size SD 1.5 VAE built from sd15_configs.json has exactly the diffusers parameter names
// and shapes of sd15_keys_diffusers.json, and the name mapping gives exactly the original
// `first_stage_model.*` names and shapes of sd15_keys_ldm.json. The tiny fixture VAE is checked
// against its own key map too.

#include <fstream>
#include <map>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/autoencoders/autoencoder_kl.h"
#include "models/autoencoders/vae_ldm_keys.h"
#include "models/loaders/state_dict.h"
#include "support/doctest_torch.h"
#include "support/test_data.h"

using namespace backdrop::models;
using Shapes = std::map<std::string, std::vector<int64_t>>;

namespace {

nlohmann::json read_json(const std::string& name) {
  std::ifstream stream(backdrop::test::diffusion_fixtures() / name);
  REQUIRE(stream.good());
  return nlohmann::json::parse(stream);
}

Shapes inventory_of(const AutoencoderKL& vae) {
  Shapes shapes;
  for (const auto& [name, shape] : module_inventory(*vae)) shapes.emplace(name, shape);
  return shapes;
}

// The original layout: the attention projections gain two trailing 1x1 dimensions.
Shapes ldm_shapes(const AutoencoderKLConfig& config, const Shapes& diffusers) {
  Shapes shapes;
  for (const auto& [diffusers_key, ldm_key] : vae_diffusers_to_ldm_keys(config)) {
    REQUIRE(diffusers.count(diffusers_key) == 1);
    auto shape = diffusers.at(diffusers_key);
    if (vae_ldm_key_needs_conv_reshape(diffusers_key)) {
      shape.push_back(1);
      shape.push_back(1);
    }
    shapes.emplace(ldm_key, shape);
  }
  return shapes;
}

template <typename Map>
std::vector<std::string> keys_of(const Map& map) {
  std::vector<std::string> keys;
  for (const auto& item : map) keys.push_back(item.first);
  return keys;
}

}  // namespace

TEST_CASE("the full-size SD 1.5 VAE has the diffusers names and shapes") {
  const auto config = AutoencoderKLConfig::from_json(read_json("sd15_configs.json").at("vae"), "sd15_configs.json:vae");
  const AutoencoderKL vae(config);
  const auto expected = read_json("sd15_keys_diffusers.json").at("vae").get<Shapes>();
  const auto actual = inventory_of(vae);
  CHECK(keys_of(actual) == keys_of(expected));
  CHECK(actual == expected);

  SUBCASE("and the mapping gives the original names and shapes") {
    Shapes expected_ldm;
    const auto ldm_inventory = read_json("sd15_keys_ldm.json");
    for (const auto& [key, shape] : ldm_inventory.items()) {
      if (key.rfind(kVaeLdmPrefix, 0) == 0) expected_ldm.emplace(key, shape.get<std::vector<int64_t>>());
    }
    REQUIRE(!expected_ldm.empty());
    const auto mapped = ldm_shapes(config, actual);
    CHECK(keys_of(mapped) == keys_of(expected_ldm));
    CHECK(mapped == expected_ldm);

    const auto expected_map = read_json("sd15_keys_map.json").at("vae").get<std::map<std::string, std::string>>();
    CHECK(vae_diffusers_to_ldm_keys(config) == expected_map);
  }
}

TEST_CASE("the fixture VAE's mapping matches tiny_vae_ldm_keymap.json") {
  const auto config = AutoencoderKLConfig::from_file(backdrop::test::diffusion_fixtures() / "vae_config.json");
  const AutoencoderKL vae(config);
  const auto mapped = ldm_shapes(config, inventory_of(vae));
  const auto keymap = read_json("tiny_vae_ldm_keymap.json");
  const auto names = vae_diffusers_to_ldm_keys(config);
  REQUIRE(names.size() == keymap.size());
  for (const auto& [diffusers_key, entry] : keymap.items()) {
    INFO(diffusers_key);
    REQUIRE(names.count(diffusers_key) == 1);
    CHECK(names.at(diffusers_key) == entry.at("ldm").get<std::string>());
    CHECK(mapped.at(names.at(diffusers_key)) == entry.at("ldm_shape").get<std::vector<int64_t>>());
  }
}

TEST_CASE("only the mid-block attention projection weights change shape") {
  CHECK(vae_ldm_key_needs_conv_reshape("encoder.mid_block.attentions.0.to_q.weight"));
  CHECK(vae_ldm_key_needs_conv_reshape("decoder.mid_block.attentions.0.to_out.0.weight"));
  CHECK_FALSE(vae_ldm_key_needs_conv_reshape("decoder.mid_block.attentions.0.to_out.0.bias"));
  CHECK_FALSE(vae_ldm_key_needs_conv_reshape("decoder.mid_block.attentions.0.group_norm.weight"));
  CHECK_FALSE(vae_ldm_key_needs_conv_reshape("decoder.up_blocks.0.resnets.0.conv1.weight"));
}

TEST_CASE("the mapping follows the config") {
  AutoencoderKLConfig config;
  config.block_out_channels = {8, 16, 16};
  config.down_block_types.assign(3, "DownEncoderBlock2D");
  config.up_block_types.assign(3, "UpDecoderBlock2D");
  config.layers_per_block = 3;
  config.norm_num_groups = 4;
  config.mid_block_add_attention = false;
  const AutoencoderKL vae(config);
  const auto actual = inventory_of(vae);
  const auto names = vae_diffusers_to_ldm_keys(config);
  CHECK(keys_of(names) == keys_of(actual));
  CHECK(names.at("decoder.up_blocks.0.resnets.3.conv2.weight") == "first_stage_model.decoder.up.2.block.3.conv2.weight");
  CHECK(names.at("decoder.up_blocks.1.upsamplers.0.conv.bias") == "first_stage_model.decoder.up.1.upsample.conv.bias");
  CHECK(names.count("encoder.mid_block.attentions.0.to_q.weight") == 0);
}

TEST_CASE("config errors name the file and the key") {
  const auto parse = [](const char* text) {
    try {
      AutoencoderKLConfig::from_json(nlohmann::json::parse(text), "vae/config.json");
    } catch (const std::runtime_error& error) {
      return std::string(error.what());
    }
    return std::string();
  };
  CHECK(parse(R"({"layers_per_block": "two"})").find("vae/config.json") != std::string::npos);
  CHECK(parse(R"({"layers_per_block": "two"})").find("layers_per_block") != std::string::npos);
  CHECK(parse(R"({"block_out_channels": [32, 64]})").find("same length") != std::string::npos);
  CHECK(parse(R"({"down_block_types": ["AttnDownEncoderBlock2D"]})").find("AttnDownEncoderBlock2D") != std::string::npos);
  CHECK(parse(R"({"block_out_channels": [48], "norm_num_groups": 32})").find("multiple") != std::string::npos);
  CHECK(parse(R"({})").empty());
}
