// Parity of ControlNetModel with diffusers on the fixture set in BACKDROP_FIXTURES: residuals at
// both conditioning scales, the UNet output with them added, and loading through the original names.

#include <nlohmann/json.hpp>

#include "models/controlnets/controlnet.h"
#include "models/controlnets/controlnet_ldm_names.h"
#include "models/loaders/state_dict.h"
#include "models/loaders/torch_tensors.h"
#include "models/unets/unet_2d_condition.h"
#include "support/doctest_torch.h"
#include "support/fixture_pipeline.h"
#include "support/parity_tolerance.h"
#include "support/test_data.h"

using namespace backdrop::models;
using backdrop::test::max_abs_difference;
namespace parity = backdrop::test::parity;

namespace {

ControlNetModel fixture_controlnet() {
  return backdrop::test::fixture_controlnet(backdrop::test::diffusion_fixtures());
}

}  // namespace

TEST_CASE("controlnet_io: residuals and UNet output at both conditioning scales") {
  const auto fixtures = backdrop::test::diffusion_fixtures();
  auto controlnet = fixture_controlnet();
  UNet2DConditionModel unet(load_unet_config(fixtures / "unet_config.json"));
  load_state_dict(*unet, load_safetensors(fixtures / "unet.safetensors"), "unet.safetensors");
  const auto io = load_safetensors(fixtures / "controlnet_io.safetensors");
  torch::InferenceMode inference;

  for (const char* scale : {"1.0", "0.5"}) {
    CAPTURE(scale);
    const std::string prefix = std::string("s") + scale + ".";
    const auto residuals = controlnet(io.at("sample"), io.at("timestep"), io.at("encoder_hidden_states"),
                                      io.at("controlnet_cond"), std::stod(scale));
    REQUIRE(residuals.down.size() == static_cast<std::size_t>(controlnet->config().encoder.skip_connection_count()));
    for (std::size_t j = 0; j < residuals.down.size(); ++j) {
      CAPTURE(j);
      CHECK_PARITY(residuals.down[j], io.at(prefix + "down_block_res_samples." + std::to_string(j)),
                   parity::kControlNet);
    }
    CHECK_PARITY(residuals.mid, io.at(prefix + "mid_block_res_sample"), parity::kControlNet);

    const auto out = unet(io.at("sample"), io.at("timestep"), io.at("encoder_hidden_states"), &residuals);
    CHECK_PARITY(out, io.at(prefix + "unet_out"), parity::kControlNet);
  }
}

TEST_CASE("ControlNet loads through the original ControlNet names") {
  const auto fixtures = backdrop::test::diffusion_fixtures();
  const auto config = load_controlnet_config(fixtures / "controlnet_config.json");
  const auto expected = read_unet_config_json(fixtures / "tiny_controlnet_ldm_keymap.json");
  const auto map = controlnet_ldm_key_map(config);
  CHECK(map.size() == expected.size());
  for (const auto& [diffusers, entry] : expected.items()) {
    CAPTURE(diffusers);
    REQUIRE(map.count(diffusers) == 1);
    CHECK(map.at(diffusers) == entry.at("ldm").get<std::string>());
  }

  // Rename the diffusers file to the original names and back through the mapping: the model
  // loaded that way gives the same residuals.
  const auto weights = load_safetensors(fixtures / "controlnet.safetensors");
  StateDict original;
  for (const auto& [name, tensor] : weights) original.emplace(map.at(name), tensor);
  StateDict renamed;
  for (const auto& [diffusers, ldm] : map) renamed.emplace(diffusers, original.at(ldm));
  ControlNetModel controlnet(config);
  load_state_dict(*controlnet, renamed, "controlnet (original names)");

  const auto io = load_safetensors(fixtures / "controlnet_io.safetensors");
  torch::InferenceMode inference;
  const auto residuals =
      controlnet(io.at("sample"), io.at("timestep"), io.at("encoder_hidden_states"), io.at("controlnet_cond"), 1.0);
  CHECK_PARITY(residuals.mid, io.at("s1.0.mid_block_res_sample"), parity::kControlNet);
}
