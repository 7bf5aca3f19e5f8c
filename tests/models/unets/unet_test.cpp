// Parity of UNet2DConditionModel with diffusers on the fixture set in BACKDROP_FIXTURES
// (unet_config.json, unet.safetensors, unet_ldm.safetensors, unet_io.safetensors).

#include <nlohmann/json.hpp>

#include "models/loaders/state_dict.h"
#include "models/loaders/torch_tensors.h"
#include "models/unets/ldm_names.h"
#include "models/unets/unet_2d_condition.h"
#include "support/doctest_torch.h"
#include "support/parity_tolerance.h"
#include "support/test_data.h"

using namespace backdrop::models;
using backdrop::test::max_abs_difference;
namespace parity = backdrop::test::parity;

namespace {

UNet2DConditionModel fixture_unet(const StateDict& weights, const std::string& origin) {
  UNet2DConditionModel unet(load_unet_config(backdrop::test::diffusion_fixtures() / "unet_config.json"));
  load_state_dict(*unet, weights, origin);
  unet->eval();
  return unet;
}

}  // namespace

TEST_CASE("unet_io: per-sample and 0-dim timesteps") {
  const auto fixtures = backdrop::test::diffusion_fixtures();
  auto unet = fixture_unet(load_safetensors(fixtures / "unet.safetensors"), "unet.safetensors");
  const auto io = load_safetensors(fixtures / "unet_io.safetensors");
  torch::InferenceMode inference;

  const auto out = unet(io.at("sample"), io.at("timestep"), io.at("encoder_hidden_states"));
  CHECK_PARITY(out, io.at("out"), parity::kUNet);

  const auto scalar = unet(io.at("sample"), io.at("timestep_scalar"), io.at("encoder_hidden_states"));
  CHECK_PARITY(scalar, io.at("out_scalar_timestep"), parity::kUNet);
  // The two timestep sets really give different outputs (so the timestep is not ignored).
  CHECK(max_abs_difference(out, scalar) > 1e-2);

  // Integer timesteps (DDIM, PNDM ...) give the same result as floats holding integers.
  const auto integer = unet(io.at("sample"), io.at("timestep").to(torch::kInt64), io.at("encoder_hidden_states"));
  CHECK(max_abs_difference(integer, out) == 0.0);
}

TEST_CASE("the UNet loads from unet_ldm.safetensors through the name mapping") {
  const auto fixtures = backdrop::test::diffusion_fixtures();
  const auto config = load_unet_config(fixtures / "unet_config.json");
  const auto ldm = load_safetensors(fixtures / "unet_ldm.safetensors");

  StateDict renamed;
  for (const auto& [diffusers, original] : unet_ldm_key_map(config)) {
    const auto it = ldm.find(original);
    if (it == ldm.end()) FAIL("the mapping names ", original, " for ", diffusers, ", absent from the file");
    renamed.emplace(diffusers, it->second);
  }
  CHECK(renamed.size() == ldm.size());
  auto unet = fixture_unet(renamed, "unet_ldm.safetensors");

  const auto io = load_safetensors(fixtures / "unet_io.safetensors");
  torch::InferenceMode inference;
  const auto out = unet(io.at("sample"), io.at("timestep"), io.at("encoder_hidden_states"));
  CHECK_PARITY(out, io.at("out"), parity::kUNet);
}

TEST_CASE("the name mapping equals the fixture's key map") {
  const auto fixtures = backdrop::test::diffusion_fixtures();
  const auto expected = read_unet_config_json(fixtures / "tiny_unet_ldm_keymap.json");
  const auto mapping = unet_ldm_key_map(load_unet_config(fixtures / "unet_config.json"));
  CHECK(mapping.size() == expected.size());
  for (const auto& [diffusers, entry] : expected.items()) {
    CAPTURE(diffusers);
    const auto it = mapping.find(diffusers);
    REQUIRE(it != mapping.end());
    CHECK(it->second == entry.at("ldm").get<std::string>());
  }
}
