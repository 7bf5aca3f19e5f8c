#include "models/loaders/checkpoint_error.h"
#include "models/loaders/single_file.h"
#include "checkpoint_test_helpers.h"

using namespace backdrop::models;
using namespace backdrop::test;
namespace fs = std::filesystem;

namespace {

constexpr const char* kTextPrefix = "cond_stage_model.transformer.";

// The fixture models, their diffusers tensors and the mappings to the original names.
struct Fixture {
  StateDict unet = load_safetensors(diffusion_fixtures() / "unet.safetensors");
  StateDict vae = load_safetensors(diffusion_fixtures() / "vae.safetensors");
  StateDict text = load_safetensors(diffusion_fixtures() / "text_encoder.safetensors");
  StateDict controlnet = load_safetensors(diffusion_fixtures() / "controlnet.safetensors");
  FixtureKeyMap unet_keys = fixture_keymap("tiny_unet_ldm_keymap.json", unet);
  FixtureKeyMap vae_keys = fixture_keymap("tiny_vae_ldm_keymap.json", vae);
  FixtureKeyMap controlnet_keys = fixture_keymap("tiny_controlnet_ldm_keymap.json", controlnet);
  KeyMapping text_keys = prefix_mapping(text, kTextPrefix);
};

const Fixture& fixture() {
  static const Fixture instance;
  return instance;
}

// What the original training code saved next to the weights.
StateDict junk_keys() {
  return {{"betas", torch::linspace(0.1, 0.2, 10)},
          {"alphas_cumprod", torch::linspace(0.9, 0.1, 10)},
          {"posterior_mean_coef1", torch::ones({10})},
          {"model_ema.decay", torch::tensor(0.9999)},
          {"model_ema.diffusion_modelinput_blocks00weight", torch::zeros({2, 2})},
          {"cond_stage_model.transformer.text_model.embeddings.position_ids", torch::arange(77).unsqueeze(0)}};
}

// A single-file SD checkpoint: the fixture's own ldm-named UNet, plus the renamed VAE and text encoder.
StateDict full_checkpoint() {
  const auto& f = fixture();
  auto tensors = load_safetensors(diffusion_fixtures() / "unet_ldm.safetensors");
  merge_into(tensors, to_ldm(f.vae, f.vae_keys));
  merge_into(tensors, to_ldm(f.text, f.text_keys));
  merge_into(tensors, junk_keys());
  return tensors;
}

StateDict strip_prefix(const StateDict& tensors, const std::string& prefix) {
  StateDict stripped;
  for (const auto& [key, tensor] : tensors) {
    REQUIRE(key.starts_with(prefix));
    stripped.emplace(key.substr(prefix.size()), tensor);
  }
  return stripped;
}

StateDict to_dtype(const StateDict& tensors, c10::ScalarType dtype) {
  StateDict converted;
  for (const auto& [key, tensor] : tensors) converted.emplace(key, tensor.to(dtype));
  return converted;
}

int64_t unet_in_channels(const StateDict& diffusers_unet) { return diffusers_unet.at("conv_in.weight").size(1); }

}  // namespace

TEST_CASE("a full SD 1.x single file gives back each component under its diffusers names") {
  const auto& f = fixture();
  const auto dir = scratch_dir("single-file-full");
  save_safetensors(dir / "sd15.safetensors", full_checkpoint());

  const auto checkpoint = SingleFileCheckpoint::open(dir / "sd15.safetensors");
  const auto& info = checkpoint.info();
  CHECK(info.unet_in_channels == unet_in_channels(f.unet));
  CHECK((info.kind == (info.unet_in_channels == 9 ? CheckpointKind::stable_diffusion_inpainting
                                                  : CheckpointKind::stable_diffusion)));
  CHECK_FALSE(info.controlnet_naming.has_value());
  CHECK(info.tensor_counts.at(ModelComponent::unet) == f.unet.size());
  CHECK(info.tensor_counts.at(ModelComponent::vae) == f.vae.size());
  CHECK(info.tensor_counts.at(ModelComponent::text_encoder) == f.text.size());
  CHECK_FALSE(checkpoint.has(ModelComponent::controlnet));
  CHECK(info.non_weight_keys == junk_keys().size());
  CHECK(info.unrecognised_keys.empty());
  CHECK(info.describe().find("sd15.safetensors: single-file Stable Diffusion 1.x") != std::string::npos);

  check_identical(checkpoint.load(ModelComponent::unet, f.unet_keys.mapping), f.unet);
  check_identical(checkpoint.load(ModelComponent::vae, f.vae_keys.mapping), f.vae);
  check_identical(checkpoint.load(ModelComponent::text_encoder, f.text_keys), f.text);
  CHECK_THROWS_WITH_AS(checkpoint.load(ModelComponent::controlnet, f.controlnet_keys.mapping),
                       doctest::Contains("has no controlnet"), CheckpointError);
}

TEST_CASE("the inpainting UNet is recognised by its conv_in channels") {
  const auto& f = fixture();
  const auto inpaint = load_safetensors(diffusion_fixtures() / "unet_inpaint.safetensors");
  const auto checkpoint = SingleFileCheckpoint::open(diffusion_fixtures() / "unet_inpaint_ldm.safetensors");
  CHECK(checkpoint.info().unet_in_channels == unet_in_channels(inpaint));
  CHECK((checkpoint.info().kind == (unet_in_channels(inpaint) == 9 ? CheckpointKind::stable_diffusion_inpainting
                                                                   : CheckpointKind::stable_diffusion)));
  // The same names as the text-to-image UNet: only conv_in's shape differs.
  check_identical(checkpoint.load(ModelComponent::unet, f.unet_keys.mapping), inpaint);
  CHECK_FALSE(checkpoint.has(ModelComponent::vae));
}

TEST_CASE("fp16 files stay fp16 unless a conversion is asked for") {
  const auto& f = fixture();
  const auto dir = scratch_dir("single-file-fp16");
  save_safetensors(dir / "sd15-fp16.safetensors", to_dtype(full_checkpoint(), torch::kFloat16));
  const auto checkpoint = SingleFileCheckpoint::open(dir / "sd15-fp16.safetensors");

  const auto kept = checkpoint.load(ModelComponent::vae, f.vae_keys.mapping);
  check_identical(kept, to_dtype(f.vae, torch::kFloat16));
  const auto converted = checkpoint.load(ModelComponent::vae, f.vae_keys.mapping, {torch::kFloat32});
  check_identical(converted, to_dtype(to_dtype(f.vae, torch::kFloat16), torch::kFloat32));
}

TEST_CASE("standalone ControlNets in both original namings and in diffusers names") {
  const auto& f = fixture();
  const auto dir = scratch_dir("single-file-controlnet");
  const auto prefixed = to_ldm(f.controlnet, f.controlnet_keys);
  save_safetensors(dir / "control_prefixed.safetensors", prefixed);
  save_safetensors(dir / "control_unprefixed.safetensors", strip_prefix(prefixed, "control_model."));
  save_safetensors(dir / "control_diffusers.safetensors", f.controlnet);

  const std::map<std::string, ControlNetNaming> files{{"control_prefixed", ControlNetNaming::ldm_prefixed},
                                                      {"control_unprefixed", ControlNetNaming::ldm_unprefixed},
                                                      {"control_diffusers", ControlNetNaming::diffusers}};
  for (const auto& [name, naming] : files) {
    INFO(name);
    const auto checkpoint = SingleFileCheckpoint::open(dir / (name + ".safetensors"));
    CHECK((checkpoint.info().kind == CheckpointKind::controlnet));
    CHECK((checkpoint.info().controlnet_naming == naming));
    CHECK(checkpoint.info().tensor_counts.at(ModelComponent::controlnet) == f.controlnet.size());
    CHECK_FALSE(checkpoint.has(ModelComponent::unet));
    check_identical(checkpoint.load(ModelComponent::controlnet, f.controlnet_keys.mapping), f.controlnet);
  }
}

TEST_CASE("names that do not match the mapping are one error that lists them") {
  const auto& f = fixture();
  const auto dir = scratch_dir("single-file-mismatch");
  auto tensors = full_checkpoint();
  tensors.emplace("first_stage_model.encoder.extra.weight", torch::zeros({1}));
  save_safetensors(dir / "odd.safetensors", tensors);
  const auto checkpoint = SingleFileCheckpoint::open(dir / "odd.safetensors");

  auto mapping = f.vae_keys.mapping;
  const auto dropped = *mapping.diffusers_to_ldm.begin();
  mapping.diffusers_to_ldm.erase(mapping.diffusers_to_ldm.begin());
  mapping.diffusers_to_ldm["decoder.not_in_file.weight"] = "first_stage_model.decoder.not_in_file.weight";
  const auto message =
      error_message<CheckpointError>([&] { checkpoint.load(ModelComponent::vae, mapping); });
  CHECK(message.find("odd.safetensors (vae): the checkpoint's names do not match the model") != std::string::npos);
  CHECK(message.find("1 keys the model needs that the file lacks:\n    first_stage_model.decoder.not_in_file.weight") !=
        std::string::npos);
  CHECK(message.find("2 keys in the file that the model does not know:") != std::string::npos);
  CHECK(message.find(dropped.second) != std::string::npos);
  CHECK(message.find("first_stage_model.encoder.extra.weight") != std::string::npos);
}

TEST_CASE("keys outside every component are reported, not loaded") {
  const auto dir = scratch_dir("single-file-unrecognised");
  auto tensors = full_checkpoint();
  tensors.emplace("embedding_manager.embedder.weight", torch::zeros({1}));
  save_safetensors(dir / "extra.safetensors", tensors);
  const auto info = SingleFileCheckpoint::open(dir / "extra.safetensors").info();
  CHECK(info.unrecognised_keys == std::vector<std::string>{"embedding_manager.embedder.weight"});
  CHECK(info.describe().find("1 unrecognised keys (not loaded):\n    embedding_manager.embedder.weight") !=
        std::string::npos);
}

TEST_CASE("unsupported, unrecognised, pickle and corrupt files are clear errors") {
  const auto dir = scratch_dir("single-file-errors");
  const auto open_error = [](const fs::path& path) {
    return error_message<std::runtime_error>([&] { SingleFileCheckpoint::open(path); });
  };
  save_safetensors(dir / "sdxl.safetensors", {{"conditioner.embedders.0.transformer.x", torch::zeros({1})},
                                              {"model.diffusion_model.input_blocks.0.0.weight", torch::zeros({1, 4, 1, 1})}});
  CHECK(open_error(dir / "sdxl.safetensors").find("Stable Diffusion XL") != std::string::npos);
  save_safetensors(dir / "sd2.safetensors", {{"cond_stage_model.model.token_embedding.weight", torch::zeros({1})}});
  CHECK(open_error(dir / "sd2.safetensors").find("Stable Diffusion 2.x") != std::string::npos);
  save_safetensors(dir / "other.safetensors", {{"encoder.weight", torch::zeros({1})}});
  CHECK(open_error(dir / "other.safetensors").find("not a Stable Diffusion 1.x or ControlNet checkpoint") !=
        std::string::npos);

  write_text(dir / "model.ckpt", "anything");
  CHECK(open_error(dir / "model.ckpt").find("convert it to safetensors") != std::string::npos);
  write_text(dir / "zip.safetensors", std::string("PK\x03\x04", 4) + "archive/data.pkl");
  CHECK(open_error(dir / "zip.safetensors").find("pickle checkpoints") != std::string::npos);
  write_text(dir / "garbage.safetensors", std::string("\x04\0\0\0\0\0\0\0{not", 12));
  CHECK_THROWS_AS(SingleFileCheckpoint::open(dir / "garbage.safetensors"), SafetensorsError);
  CHECK(open_error(dir / "absent.safetensors").find("cannot open") != std::string::npos);
}
