// UNet and ControlNet on configs other than the fixtures': three levels, one layer per block,
// four heads, linear projections, per-level head counts, and latents that do not divide by the
// downsampling factor. Checks shapes, the data flow of residuals and the name mappings.

#include <set>

#include <nlohmann/json.hpp>

#include "models/controlnets/controlnet.h"
#include "models/controlnets/controlnet_ldm_names.h"
#include "models/loaders/state_dict.h"
#include "models/unets/ldm_names.h"
#include "models/unets/unet_2d_condition.h"
#include "support/doctest_torch.h"

using namespace backdrop::models;
using nlohmann::json;

namespace {

json three_level_config() {
  return json{{"_class_name", "UNet2DConditionModel"},
              {"in_channels", 4},
              {"out_channels", 4},
              {"block_out_channels", {16, 32, 32}},
              {"down_block_types", {"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"}},
              {"up_block_types", {"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"}},
              {"layers_per_block", 1},
              {"attention_head_dim", 4},
              {"cross_attention_dim", 24},
              {"norm_num_groups", 8},
              {"norm_eps", 1e-5},
              {"flip_sin_to_cos", true},
              {"freq_shift", 0},
              {"use_linear_projection", false}};
}

json controlnet_config_from(json unet) {
  unet["_class_name"] = "ControlNetModel";
  unet.erase("out_channels");
  unet.erase("up_block_types");
  unet["conditioning_embedding_out_channels"] = {8, 8, 16, 16};  // 8x downsampling
  return unet;
}

std::set<std::string> inventory_names(const torch::nn::Module& module) {
  std::set<std::string> names;
  for (const auto& [name, shape] : module_inventory(module)) names.insert(name);
  return names;
}

template <typename Map>
std::set<std::string> keys_of(const Map& map) {
  std::set<std::string> keys;
  for (const auto& [key, value] : map) keys.insert(key);
  return keys;
}

template <typename Map>
bool values_unique(const Map& map) {
  std::set<std::string> values;
  for (const auto& [key, value] : map) values.insert(value);
  return values.size() == map.size();
}

}  // namespace

TEST_CASE("a three-level, one-layer, four-head UNet with ControlNet runs on a 12x10 latent") {
  torch::manual_seed(0);
  const auto unet_config = parse_unet_config(three_level_config(), "three_level");
  const auto controlnet_config = parse_controlnet_config(controlnet_config_from(three_level_config()), "three_level");
  UNet2DConditionModel unet(unet_config);
  ControlNetModel controlnet(controlnet_config);
  torch::InferenceMode inference;

  const auto sample = torch::randn({2, 4, 12, 10});
  const auto context = torch::randn({2, 5, 24});
  const auto timesteps = torch::tensor({10.0f, 500.5f});
  const auto out = unet(sample, timesteps, context);
  CHECK(out.sizes() == sample.sizes());
  CHECK(torch::isfinite(out).all().item<bool>());

  const auto residuals = controlnet(sample, timesteps, context, torch::rand({2, 3, 96, 80}), 0.5);
  // conv_in, level 0 (1 resnet + downsampler), level 1 (1 + downsampler), level 2 (1 resnet).
  REQUIRE(residuals.down.size() == 6);
  CHECK(residuals.down[0].sizes() == std::vector<int64_t>{2, 16, 12, 10});
  CHECK(residuals.down[2].sizes() == std::vector<int64_t>{2, 16, 6, 5});
  CHECK(residuals.down[4].sizes() == std::vector<int64_t>{2, 32, 3, 3});
  CHECK(residuals.down[5].sizes() == std::vector<int64_t>{2, 32, 3, 3});
  CHECK(residuals.mid.sizes() == std::vector<int64_t>{2, 32, 3, 3});

  const auto controlled = unet(sample, timesteps, context, &residuals);
  CHECK(controlled.sizes() == sample.sizes());
  CHECK((controlled - out).abs().max().item<double>() > 1e-4);

  // Zero residuals are a no-op.
  ControlNetResiduals zeros;
  for (const auto& residual : residuals.down) zeros.down.push_back(torch::zeros_like(residual));
  zeros.mid = torch::zeros_like(residuals.mid);
  CHECK(torch::equal(unet(sample, timesteps, context, &zeros), out));

  // A mismatched residual list is an error that names the counts.
  ControlNetResiduals short_list{{residuals.down.begin(), residuals.down.end() - 1}, residuals.mid};
  CHECK_THROWS_WITH_AS(unet(sample, timesteps, context, &short_list), doctest::Contains("5 ControlNet down residuals"),
                       std::invalid_argument);
}

TEST_CASE("per-level heads, linear projections and 9 input channels") {
  auto config = three_level_config();
  config["attention_head_dim"] = {2, 4, 8};
  config["use_linear_projection"] = true;
  config["in_channels"] = 9;
  config["upcast_attention"] = true;
  UNet2DConditionModel unet(parse_unet_config(config, "variant"));
  const auto names = inventory_names(*unet);
  CHECK(names.count("down_blocks.0.attentions.0.proj_in.weight") == 1);
  CHECK(unet->named_parameters()["down_blocks.0.attentions.0.proj_in.weight"].dim() == 2);  // linear
  CHECK(unet->named_parameters()["conv_in.weight"].size(1) == 9);

  torch::InferenceMode inference;
  const auto out = unet(torch::randn({1, 9, 7, 9}), torch::tensor(3, torch::kInt64), torch::randn({1, 3, 24}));
  CHECK(out.sizes() == std::vector<int64_t>{1, 4, 7, 9});
}

TEST_CASE("the name mappings cover exactly the parameters of any config") {
  for (const bool linear : {false, true}) {
    auto config = three_level_config();
    config["use_linear_projection"] = linear;
    config["layers_per_block"] = {1, 2, 3};
    config["transformer_layers_per_block"] = 2;
    const auto unet_config = parse_unet_config(config, "mapping");
    UNet2DConditionModel unet(unet_config);
    const auto unet_map = unet_ldm_key_map(unet_config);
    CHECK(keys_of(unet_map) == inventory_names(*unet));
    CHECK(values_unique(unet_map));

    const auto controlnet_config = parse_controlnet_config(controlnet_config_from(config), "mapping");
    ControlNetModel controlnet(controlnet_config);
    const auto controlnet_map = controlnet_ldm_key_map(controlnet_config);
    CHECK(keys_of(controlnet_map) == inventory_names(*controlnet));
    CHECK(values_unique(controlnet_map));
  }
}

TEST_CASE("config errors name the field") {
  auto config = three_level_config();
  config["attention_head_dim"] = 5;
  CHECK_THROWS_WITH_AS(parse_unet_config(config, "bad.json"), doctest::Contains("attention_head_dim"), ConfigError);
  config = three_level_config();
  config["class_embed_type"] = "timestep";
  CHECK_THROWS_WITH_AS(parse_unet_config(config, "bad.json"), doctest::Contains("bad.json: 'class_embed_type'"),
                       ConfigError);
  config = three_level_config();
  config["layers_per_block"] = {1, 2};
  CHECK_THROWS_WITH_AS(parse_unet_config(config, "bad.json"), doctest::Contains("layers_per_block"), ConfigError);
  config = three_level_config();
  config.erase("up_block_types");
  CHECK_THROWS_WITH_AS(parse_unet_config(config, "bad.json"), doctest::Contains("up_block_types"), ConfigError);
}

TEST_CASE("timesteps: 0-dim or one per batch item, anything else is an error") {
  UNet2DConditionModel unet(parse_unet_config(three_level_config(), "timesteps"));
  torch::InferenceMode inference;
  const auto sample = torch::randn({2, 4, 8, 8});
  const auto context = torch::randn({2, 3, 24});
  const auto scalar = unet(sample, torch::tensor(7.0f), context);
  CHECK(torch::allclose(scalar, unet(sample, torch::tensor({7.0f, 7.0f}), context)));
  CHECK_THROWS_WITH_AS(unet(sample, torch::tensor({1.0f, 2.0f, 3.0f}), context), doctest::Contains("[3]"),
                       std::invalid_argument);
}

TEST_CASE("bfloat16 runs through the same code path and stays close to float32") {
  torch::manual_seed(4);
  const auto unet_config = parse_unet_config(three_level_config(), "bf16");
  UNet2DConditionModel unet(unet_config);
  ControlNetModel controlnet(parse_controlnet_config(controlnet_config_from(three_level_config()), "bf16"));
  torch::InferenceMode inference;
  const auto sample = torch::randn({2, 4, 12, 10});
  const auto context = torch::randn({2, 5, 24});
  const auto image = torch::rand({2, 3, 96, 80});
  const auto timesteps = torch::tensor({10, 700});
  const auto residuals = controlnet(sample, timesteps, context, image, 1.0);
  const auto reference = unet(sample, timesteps, context, &residuals);

  unet->to(torch::kBFloat16);
  controlnet->to(torch::kBFloat16);
  const auto low_residuals =
      controlnet(sample.to(torch::kBFloat16), timesteps, context.to(torch::kBFloat16), image.to(torch::kBFloat16), 1.0);
  const auto low = unet(sample.to(torch::kBFloat16), timesteps, context.to(torch::kBFloat16), &low_residuals);
  CHECK((low.scalar_type() == torch::kBFloat16));
  const double relative = ((low.to(torch::kFloat32) - reference).norm() / reference.norm()).item<double>();
  CAPTURE(relative);
  CHECK(relative < 0.05);
}
