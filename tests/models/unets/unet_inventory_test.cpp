// The full-size SD 1.5 UNet and ControlNet built from sd15_configs.json have exactly the parameter
// names and shapes of the published checkpoints, and the name mappings give exactly the original
// single-file names. Builds 860M + 361M random parameters (about 5 GB), one model at a time.

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "models/controlnets/controlnet.h"
#include "models/controlnets/controlnet_ldm_names.h"
#include "models/loaders/state_dict.h"
#include "models/unets/ldm_names.h"
#include "models/unets/unet_2d_condition.h"
#include "support/doctest_torch.h"
#include "support/test_data.h"

using namespace backdrop::models;
using nlohmann::json;

namespace {

using Shapes = std::map<std::string, std::vector<int64_t>>;

Shapes shapes_of(const torch::nn::Module& module) {
  Shapes shapes;
  for (const auto& [name, shape] : module_inventory(module)) shapes[name] = shape;
  return shapes;
}

Shapes shapes_from_json(const json& entries, const std::string& prefix = "") {
  Shapes shapes;
  for (const auto& [name, shape] : entries.items()) {
    if (name.rfind(prefix, 0) == 0) shapes[name] = shape.get<std::vector<int64_t>>();
  }
  return shapes;
}

std::set<std::string> names_of(const Shapes& shapes) {
  std::set<std::string> names;
  for (const auto& [name, shape] : shapes) names.insert(name);
  return names;
}

std::set<std::string> values_of(const std::map<std::string, std::string>& map) {
  std::set<std::string> values;
  for (const auto& [key, value] : map) values.insert(value);
  return values;
}

// The built model has exactly the published diffusers names and shapes; the mapping renames them
// onto exactly the published original names, keeping each shape, as the published map does.
void check_component(const Shapes& built, const Shapes& expected, const std::map<std::string, std::string>& map,
                     const Shapes& ldm, const json& published_map) {
  CHECK(names_of(built) == names_of(expected));
  CHECK(built == expected);
  CHECK(values_of(map) == names_of(ldm));
  for (const auto& [from, to] : map) {
    CAPTURE(from);
    REQUIRE(ldm.count(to) == 1);
    CHECK(ldm.at(to) == expected.at(from));
    CHECK(published_map.at(from).get<std::string>() == to);
  }
}

}  // namespace

TEST_CASE("full-size SD 1.5 UNet: diffusers names and shapes, and the ldm mapping") {
  const auto fixtures = backdrop::test::diffusion_fixtures();
  const auto configs = read_unet_config_json(fixtures / "sd15_configs.json");
  const auto config = parse_unet_config(configs.at("unet"), "sd15_configs.json:unet");

  torch::NoGradGuard no_grad;
  Shapes built;
  {
    UNet2DConditionModel unet(config);
    built = shapes_of(*unet);
  }
  check_component(built, shapes_from_json(read_unet_config_json(fixtures / "sd15_keys_diffusers.json").at("unet")),
                  unet_ldm_key_map(config),
                  shapes_from_json(read_unet_config_json(fixtures / "sd15_keys_ldm.json"), "model.diffusion_model."),
                  read_unet_config_json(fixtures / "sd15_keys_map.json").at("unet"));
}

TEST_CASE("full-size SD 1.5 ControlNet: diffusers names and shapes, and the original mapping") {
  const auto fixtures = backdrop::test::diffusion_fixtures();
  const auto configs = read_unet_config_json(fixtures / "sd15_configs.json");
  const auto config = parse_controlnet_config(configs.at("controlnet"), "sd15_configs.json:controlnet");

  torch::NoGradGuard no_grad;
  Shapes built;
  {
    ControlNetModel controlnet(config);
    built = shapes_of(*controlnet);
  }
  check_component(built, shapes_from_json(read_unet_config_json(fixtures / "controlnet_keys_diffusers.json")),
                  controlnet_ldm_key_map(config),
                  shapes_from_json(read_unet_config_json(fixtures / "controlnet_keys_ldm.json")),
                  read_unet_config_json(fixtures / "controlnet_keys_map.json"));
}
