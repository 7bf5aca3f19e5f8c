#include "models/loaders/checkpoint_error.h"
#include "models/loaders/checkpoint_format.h"
#include "models/loaders/diffusers_folder.h"
#include "models/loaders/safetensors.h"
#include "checkpoint_test_helpers.h"

using namespace backdrop::models;
using namespace backdrop::test;
namespace fs = std::filesystem;

namespace {

const char* kModelIndex = R"({
  "_class_name": "StableDiffusionControlNetPipeline",
  "_diffusers_version": "0.30.3",
  "controlnet": ["diffusers", "ControlNetModel"],
  "feature_extractor": ["transformers", "CLIPImageProcessor"],
  "requires_safety_checker": false,
  "safety_checker": [null, null],
  "scheduler": ["diffusers", "PNDMScheduler"],
  "text_encoder": ["transformers", "CLIPTextModel"],
  "tokenizer": ["transformers", "CLIPTokenizer"],
  "unet": ["diffusers", "UNet2DConditionModel"],
  "vae": ["diffusers", "AutoencoderKL"]
})";

void copy_fixture(const std::string& name, const fs::path& target) {
  fs::create_directories(target.parent_path());
  fs::copy_file(diffusion_fixtures() / name, target, fs::copy_options::overwrite_existing);
}

// A complete pipeline folder made of the fixture models.
fs::path make_pipeline(const std::string& name) {
  const auto root = scratch_dir(name);
  write_text(root / "model_index.json", kModelIndex);
  for (const std::string model : {"unet", "vae", "controlnet"}) {
    copy_fixture(model + "_config.json", root / model / "config.json");
    copy_fixture(model + ".safetensors", root / model / "diffusion_pytorch_model.safetensors");
  }
  copy_fixture("text_encoder_config.json", root / "text_encoder" / "config.json");
  copy_fixture("text_encoder.safetensors", root / "text_encoder" / "model.safetensors");
  for (const std::string file : {"vocab.json", "merges.txt", "tokenizer_config.json"}) {
    copy_fixture("clip_vocab/" + file, root / "tokenizer" / file);
  }
  write_text(root / "scheduler" / "scheduler_config.json", R"({"_class_name": "PNDMScheduler"})");
  return root;
}

StateDict fixture_tensors(const std::string& name) { return load_safetensors(diffusion_fixtures() / name); }

StateDict to_half(const StateDict& tensors) {
  StateDict half;
  for (const auto& [key, tensor] : tensors) half.emplace(key, tensor.to(torch::kFloat16));
  return half;
}

std::string discovery_error(const fs::path& root, const DiscoveryOptions& options = {}) {
  return error_message<CheckpointError>([&] { discover_diffusers_pipeline(root, options); });
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a pipeline folder names each component's config and weights, and loads them") {
  const auto root = make_pipeline("diffusers-complete");
  const auto files = discover_diffusers_pipeline(root);
  REQUIRE(files.models.size() == 4);
  for (const auto& [name, weights] : std::map<std::string, std::string>{
           {"unet", "diffusion_pytorch_model.safetensors"}, {"vae", "diffusion_pytorch_model.safetensors"},
           {"controlnet", "diffusion_pytorch_model.safetensors"}, {"text_encoder", "model.safetensors"}}) {
    INFO(name);
    const auto& component = files.models.at(name);
    CHECK(component.config == root / name / "config.json");
    CHECK(component.weights == std::vector<fs::path>{root / name / weights});
    CHECK(component.variant.empty());
    CHECK(component.note.empty());
  }
  REQUIRE(files.tokenizer.has_value());
  CHECK(files.tokenizer->vocab == root / "tokenizer" / "vocab.json");
  CHECK(files.tokenizer->merges == root / "tokenizer" / "merges.txt");
  CHECK(files.scheduler_config == root / "scheduler" / "scheduler_config.json");
  CHECK(files.not_used == std::vector<std::string>{"feature_extractor"});
  CHECK(contains(files.describe(), "\n  unet: unet/config.json, unet/diffusion_pytorch_model.safetensors"));

  check_identical(load_model_weights(files.models.at("unet")), fixture_tensors("unet.safetensors"));
  check_identical(load_model_weights(files.models.at("text_encoder")), fixture_tensors("text_encoder.safetensors"));
  check_identical(load_model_weights(files.models.at("controlnet")), fixture_tensors("controlnet.safetensors"));
}

TEST_CASE("the fp16 variant: chosen when asked, fallbacks said in the note") {
  const auto root = make_pipeline("diffusers-fp16");
  const auto unet = fixture_tensors("unet.safetensors");
  save_safetensors(root / "unet" / "diffusion_pytorch_model.fp16.safetensors", to_half(unet));

  const auto files = discover_diffusers_pipeline(root, {"fp16"});
  const auto& unet_files = files.models.at("unet");
  CHECK(unet_files.weights == std::vector<fs::path>{root / "unet" / "diffusion_pytorch_model.fp16.safetensors"});
  CHECK(unet_files.variant == "fp16");
  CHECK(unet_files.note.empty());
  check_identical(load_model_weights(unet_files), to_half(unet));
  const auto converted = load_model_weights(unet_files, torch::kFloat32);
  CHECK((converted.at("conv_in.weight").scalar_type() == torch::kFloat32));
  CHECK(torch::equal(converted.at("conv_in.weight"), unet.at("conv_in.weight").to(torch::kFloat16).to(torch::kFloat32)));

  // No fp16 VAE: the plain file, and the note says so.
  const auto& vae_files = files.models.at("vae");
  CHECK(vae_files.weights == std::vector<fs::path>{root / "vae" / "diffusion_pytorch_model.safetensors"});
  CHECK(vae_files.variant.empty());
  CHECK(vae_files.note == "no fp16 variant; using diffusion_pytorch_model.safetensors");

  // Only the fp16 file and no variant asked for: the fp16 file, said in the note.
  fs::remove(root / "unet" / "diffusion_pytorch_model.safetensors");
  const auto only_fp16 = discover_diffusers_pipeline(root).models.at("unet");
  CHECK(only_fp16.variant == "fp16");
  CHECK(only_fp16.note == "only the fp16 variant is present; using diffusion_pytorch_model.fp16.safetensors");
}

TEST_CASE("sharded weights load through their index; an index that lies is an error") {
  const auto root = make_pipeline("diffusers-sharded");
  const auto vae = fixture_tensors("vae.safetensors");
  StateDict first;
  StateDict second;
  nlohmann::json weight_map;
  for (const auto& [key, tensor] : vae) {
    const bool in_first = first.size() < vae.size() / 2;
    (in_first ? first : second).emplace(key, tensor);
    weight_map[key] = in_first ? "diffusion_pytorch_model-00001-of-00002.safetensors"
                               : "diffusion_pytorch_model-00002-of-00002.safetensors";
  }
  fs::remove(root / "vae" / "diffusion_pytorch_model.safetensors");
  save_safetensors(root / "vae" / "diffusion_pytorch_model-00001-of-00002.safetensors", first);
  save_safetensors(root / "vae" / "diffusion_pytorch_model-00002-of-00002.safetensors", second);
  const auto index_path = root / "vae" / "diffusion_pytorch_model.safetensors.index.json";
  write_text(index_path, nlohmann::json{{"metadata", {{"total_size", 0}}}, {"weight_map", weight_map}}.dump());

  const auto files = discover_diffusers_pipeline(root).models.at("vae");
  CHECK(files.shard_index == index_path);
  CHECK(files.weights.size() == 2);
  check_identical(load_model_weights(files), vae);

  // The index names a tensor the shard lacks, and the shard holds one the index does not list.
  const auto moved = first.begin()->first;
  weight_map[moved] = "diffusion_pytorch_model-00002-of-00002.safetensors";
  write_text(index_path, nlohmann::json{{"weight_map", weight_map}}.dump());
  const auto message = error_message<CheckpointError>([&] { load_model_weights(files); });
  CHECK(contains(message, "the shards do not match their index"));
  CHECK(contains(message, "1 tensors missing from their shard:\n    " + moved));
  CHECK(contains(message, "1 tensors the index does not assign to that shard:\n    " + moved));

  weight_map[moved] = "../elsewhere.safetensors";
  write_text(index_path, nlohmann::json{{"weight_map", weight_map}}.dump());
  CHECK(contains(discovery_error(root), "is not a file name in the same folder"));
  weight_map[moved] = "diffusion_pytorch_model-00003-of-00002.safetensors";
  write_text(index_path, nlohmann::json{{"weight_map", weight_map}}.dump());
  CHECK(contains(discovery_error(root), "shard 'diffusion_pytorch_model-00003-of-00002.safetensors' is missing"));
}

TEST_CASE("an incomplete or corrupt folder is one error listing every problem") {
  const auto root = make_pipeline("diffusers-broken");
  fs::remove_all(root / "vae");
  fs::remove(root / "unet" / "config.json");
  write_text(root / "text_encoder" / "config.json", "{\n  \"hidden_size\": 32,\n  oops\n}");
  fs::remove(root / "controlnet" / "diffusion_pytorch_model.safetensors");
  write_text(root / "controlnet" / "diffusion_pytorch_model.bin", "pickle");
  fs::remove(root / "tokenizer" / "merges.txt");

  const auto message = discovery_error(root);
  INFO(message);
  CHECK(contains(message, "incomplete diffusers folder"));
  CHECK(contains(message, (root / "vae").string() + ": folder missing"));
  CHECK(contains(message, (root / "unet" / "config.json").string() + ": missing"));
  CHECK(contains(message, (root / "text_encoder" / "config.json").string() + ": invalid JSON"));
  CHECK(contains(message, "line 3"));
  CHECK(contains(message, "only pickle weights (diffusion_pytorch_model.bin)"));
  CHECK(contains(message, "convert them to safetensors"));
  CHECK(contains(message, (root / "tokenizer" / "merges.txt").string() + ": missing"));

  fs::remove(root / "text_encoder" / "model.safetensors");
  write_text(root / "text_encoder" / "config.json", "{}");
  CHECK(contains(discovery_error(root), "no weights (diffusion_pytorch_model.safetensors or model.safetensors)"));
}

TEST_CASE("model_index.json: missing, unreadable or incomplete") {
  const auto root = make_pipeline("diffusers-index");
  write_text(root / "model_index.json", R"({"unet": ["diffusers", "UNet2DConditionModel"], "vae": [null, null]})");
  const auto message = discovery_error(root);
  CHECK(contains(message, "model_index.json does not list 'vae'"));
  CHECK(contains(message, "model_index.json does not list 'text_encoder'"));
  CHECK(contains(message, "model_index.json does not list 'tokenizer'"));

  write_text(root / "model_index.json", "[1, 2");
  CHECK(contains(discovery_error(root), "model_index.json: invalid JSON"));
  fs::remove(root / "model_index.json");
  CHECK(contains(discovery_error(root), "no model_index.json"));
  CHECK(contains(discovery_error(root / "unet"), "(it is a single model folder)"));
  CHECK(contains(discovery_error(root / "nowhere"), "not a folder"));
}

TEST_CASE("a single model folder: a standalone ControlNet") {
  const auto root = make_pipeline("diffusers-model");
  const auto files = discover_diffusers_model(root / "controlnet", {"fp16"});
  CHECK(files.name == "controlnet");
  CHECK(files.note == "no fp16 variant; using diffusion_pytorch_model.safetensors");
  check_identical(load_model_weights(files), fixture_tensors("controlnet.safetensors"));
  CHECK(contains(error_message<CheckpointError>([&] { discover_diffusers_model(root / "tokenizer"); }),
                 "config.json: missing"));
}

TEST_CASE("detect_checkpoint_format tells pipeline folders, model folders and files apart") {
  const auto root = make_pipeline("diffusers-format");
  CHECK((detect_checkpoint_format(root) == CheckpointFormat::diffusers_pipeline));
  CHECK((detect_checkpoint_format(root / "controlnet") == CheckpointFormat::diffusers_model));
  CHECK((detect_checkpoint_format(root / "unet" / "diffusion_pytorch_model.safetensors") ==
         CheckpointFormat::single_file));
  CHECK(contains(error_message<CheckpointError>([&] { detect_checkpoint_format(root / "tokenizer"); }),
                 "neither model_index.json"));
  CHECK(contains(error_message<CheckpointError>([&] { detect_checkpoint_format(root / "absent"); }),
                 "does not exist"));
}

TEST_CASE("bf16 weights convert only when asked") {
  const auto root = make_pipeline("diffusers-bf16");
  StateDict bf16;
  for (const auto& [key, tensor] : fixture_tensors("vae.safetensors")) bf16.emplace(key, tensor.to(torch::kBFloat16));
  save_safetensors(root / "vae" / "diffusion_pytorch_model.bf16.safetensors", bf16);
  const auto files = discover_diffusers_model(root / "vae", {"bf16"});
  CHECK(files.variant == "bf16");
  check_identical(load_model_weights(files), bf16);
  const auto converted = load_model_weights(files, torch::kFloat32);
  for (const auto& [key, tensor] : bf16) {
    INFO(key);
    CHECK((converted.at(key).scalar_type() == torch::kFloat32));
    CHECK(torch::equal(converted.at(key), tensor.to(torch::kFloat32)));
  }
}
