// LoRA fusion against diffusers on the fixture set in BACKDROP_FIXTURES: for every run of lora.json
// (its format, multiplier and tag), the two fused weights, the UNet output on unet_io and the text
// encoder's last hidden state on text_encoder_io match lora_io at the UNet and text encoder
// tolerances; unfusing restores every base weight bit for bit.

#include <unistd.h>

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "models/loaders/diffusers_folder.h"
#include "models/loaders/lora.h"
#include "models/loaders/state_dict.h"
#include "models/loaders/torch_tensors.h"
#include "models/pipelines/lora_fusion.h"
#include "models/text_encoders/clip_text_model.h"
#include "models/unets/unet_2d_condition.h"
#include "models/unets/unet_config.h"
#include "support/doctest_torch.h"
#include "support/parity_tolerance.h"
#include "support/test_data.h"

using namespace backdrop::models;
using backdrop::test::max_abs_difference;
namespace parity = backdrop::test::parity;

namespace {

// A fused weight is one fp32 multiply-add away from the reference (weights of order 1 or less).
constexpr backdrop::test::ParityGroup kFusedWeight{1e-5, 1.0};

std::filesystem::path fixture(const std::string& name) {
  return backdrop::test::diffusion_fixtures() / name;
}

struct Models {
  UNet2DConditionModel unet{nullptr};
  ClipTextModel text_encoder{nullptr};
};

Models load_models() {
  Models models;
  models.unet = UNet2DConditionModel(load_unet_config(fixture("unet_config.json")));
  load_state_dict(*models.unet, load_safetensors(fixture("unet.safetensors")), "unet.safetensors");
  models.unet->eval();
  models.text_encoder = ClipTextModel(ClipTextConfig::from_file(fixture("text_encoder_config.json")));
  load_state_dict(*models.text_encoder, load_safetensors(fixture("text_encoder.safetensors")),
                  "text_encoder.safetensors");
  models.text_encoder->eval();
  return models;
}

std::map<std::string, torch::Tensor> copy_parameters(torch::nn::Module& module) {
  std::map<std::string, torch::Tensor> copies;
  for (const auto& item : module.named_parameters()) copies.emplace(item.key(), item.value().detach().clone());
  return copies;
}

bool bit_identical(torch::nn::Module& module, const std::map<std::string, torch::Tensor>& originals) {
  for (const auto& item : module.named_parameters()) {
    if (!torch::equal(item.value(), originals.at(item.key()))) return false;
  }
  return true;
}

// The file of a run: "file" when lora.json names one, else lora_<format>.safetensors.
std::string run_file(const nlohmann::json& run) {
  return run.value("file", "lora_" + run.at("format").get<std::string>() + ".safetensors");
}

}  // namespace

TEST_CASE("every run of lora.json matches diffusers, and unfusing restores the base weights exactly") {
  const auto config = read_json_file(fixture("lora.json"));
  const auto io = load_safetensors(fixture("lora_io.safetensors"));
  const auto unet_io = load_safetensors(fixture("unet_io.safetensors"));
  const auto text_ids = load_safetensors(fixture("text_encoder_io.safetensors")).at("input_ids");
  auto models = load_models();
  const auto unet_base = copy_parameters(*models.unet);
  const auto text_base = copy_parameters(*models.text_encoder);
  LoraAdapter adapter({unet_lora_target(*models.unet), text_encoder_lora_target(*models.text_encoder)});

  REQUIRE(!config.at("runs").empty());
  for (const auto& run : config.at("runs")) {
    const auto tag = run.at("tag").get<std::string>();
    CAPTURE(tag);
    const auto lora = adapter.load_lora_weights(fixture(run_file(run)));
    const auto expected_modules =
        config.at("unet_modules").get<std::size_t>() + config.at("text_encoder_modules").get<std::size_t>();
    CHECK(lora.updates.size() == expected_modules);
    adapter.fuse_lora(lora, run.at("multiplier").get<double>());

    const auto weights = models.unet->named_parameters();
    const std::string weight_prefix = tag + ".weight.";
    int compared_weights = 0;
    for (const auto& [name, reference] : io) {
      if (name.rfind(weight_prefix, 0) != 0) continue;
      const auto module = name.substr(weight_prefix.size());
      CAPTURE(module);
      REQUIRE(weights.contains(module + ".weight"));
      CHECK_PARITY(weights[module + ".weight"], reference, kFusedWeight);
      ++compared_weights;
    }
    CHECK(compared_weights >= 1);

    {
      // README: the UNet and text encoder sections' tolerances apply.
      torch::InferenceMode inference;
      const auto unet_out =
          models.unet(unet_io.at("sample"), unet_io.at("timestep"), unet_io.at("encoder_hidden_states"));
      const auto text_out = models.text_encoder->encode(text_ids);
      MESSAGE(tag << ": max abs diff unet_out " << max_abs_difference(unet_out, io.at(tag + ".unet_out")) << ", text "
                  << max_abs_difference(text_out, io.at(tag + ".text_last_hidden_state")));
      CHECK_PARITY(unet_out, io.at(tag + ".unet_out"), parity::kUNet);
      CHECK_PARITY(text_out, io.at(tag + ".text_last_hidden_state"), parity::kTextEncoder);
    }

    adapter.unfuse_lora();
    CHECK(adapter.fused_weights() == 0);
    CHECK(bit_identical(*models.unet, unet_base));
    CHECK(bit_identical(*models.text_encoder, text_base));
  }
}

TEST_CASE("several LoRAs at once add up, each at its multiplier") {
  const auto config = read_json_file(fixture("lora.json"));
  auto models = load_models();
  const auto base = copy_parameters(*models.unet);
  LoraAdapter adapter({unet_lora_target(*models.unet), text_encoder_lora_target(*models.text_encoder)});
  const auto& runs = config.at("runs");
  REQUIRE(runs.size() >= 2);
  const auto first = adapter.load_lora_weights(fixture(run_file(runs[0])));
  const auto second = adapter.load_lora_weights(fixture(run_file(runs[runs.size() - 1])));
  const auto update = std::find_if(first.updates.begin(), first.updates.end(),
                                   [](const LoraModuleUpdate& u) { return u.target == "unet"; });
  REQUIRE(update != first.updates.end());
  const auto name = update->module + ".weight";

  adapter.fuse_lora(first, 0.5);
  const auto one = models.unet->named_parameters()[name].detach().clone();
  adapter.fuse_lora(second, 0.25);
  const auto both = models.unet->named_parameters()[name].detach().clone();
  adapter.unfuse_lora();
  adapter.fuse_lora(second, 0.25);
  const auto other = models.unet->named_parameters()[name].detach().clone();
  adapter.unfuse_lora();

  // (W + a) + b == W + a + b, up to float32 rounding; and each LoRA really changes the weight.
  const auto& w = base.at(name);
  CHECK(max_abs_difference(both - w, (one - w) + (other - w)) < 1e-5);
  CHECK(max_abs_difference(one, w) > 1e-3);
  CHECK(max_abs_difference(other, w) > 1e-3);
  CHECK(bit_identical(*models.unet, base));
}

TEST_CASE("a kohya file naming the UNet's modules by their original ldm paths fuses the same weights") {
  const auto config = read_json_file(fixture("lora.json"));
  const auto kohya_run = std::find_if(config.at("runs").begin(), config.at("runs").end(),
                                      [](const nlohmann::json& run) { return run.at("format") == "kohya"; });
  REQUIRE(kohya_run != config.at("runs").end());
  auto models = load_models();
  const auto aliases = unet_lora_aliases(models.unet->config());
  std::map<std::string, std::string> ldm_of;  // underscored diffusers path -> underscored ldm path
  const auto underscored = [](std::string path) {
    std::replace(path.begin(), path.end(), '.', '_');
    return path;
  };
  for (const auto& [ldm, diffusers] : aliases) ldm_of.emplace(underscored(diffusers), underscored(ldm));

  StateDict renamed;
  int renamed_modules = 0;
  const std::string prefix = "lora_unet_";
  for (const auto& [key, tensor] : load_safetensors(fixture(run_file(*kohya_run)))) {
    const auto dot = key.find('.');
    const auto found =
        key.rfind(prefix, 0) == 0 ? ldm_of.find(key.substr(prefix.size(), dot - prefix.size())) : ldm_of.end();
    if (found == ldm_of.end()) {
      renamed.emplace(key, tensor);
      continue;
    }
    renamed.emplace(prefix + found->second + key.substr(dot), tensor);
    ++renamed_modules;
  }
  CHECK(renamed_modules > 0);
  const auto scratch =
      std::filesystem::temp_directory_path() / ("backdrop_lora_ldm_" + std::to_string(::getpid()) + ".safetensors");
  save_safetensors(scratch, renamed);

  LoraAdapter adapter({unet_lora_target(*models.unet, aliases), text_encoder_lora_target(*models.text_encoder)});
  const auto by_diffusers_names = adapter.load_lora_weights(fixture(run_file(*kohya_run)));
  const auto by_ldm_names = adapter.load_lora_weights(scratch);
  std::filesystem::remove(scratch);
  REQUIRE(by_ldm_names.updates.size() == by_diffusers_names.updates.size());
  for (const auto& update : by_diffusers_names.updates) {
    CHECK(std::count_if(by_ldm_names.updates.begin(), by_ldm_names.updates.end(), [&](const LoraModuleUpdate& u) {
            return u.target == update.target && u.module == update.module && torch::equal(u.down, update.down);
          }) == 1);
  }
}
