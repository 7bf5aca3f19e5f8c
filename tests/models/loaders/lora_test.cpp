// LoRA loading on a small hand-made model: the fusion formula for linear and LoCon (3x3) layers,
// name matching, and the errors (every unmatched key in one message, shapes named).

#include <unistd.h>

#include <filesystem>
#include <string>

#include <torch/torch.h>

#include "models/loaders/lora.h"
#include "models/loaders/torch_tensors.h"
#include "support/doctest_torch.h"

using namespace backdrop::models;
namespace fs = std::filesystem;

namespace {

// Modules named like a UNet's: "down_blocks.0.proj_in" (linear) and "down_blocks.0.conv1" (3x3).
struct BlockImpl : torch::nn::Module {
  BlockImpl() {
    proj_in = register_module("proj_in", torch::nn::Linear(6, 5));
    conv1 = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 4, 3).padding(1)));
    norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({5})));
  }
  torch::nn::Linear proj_in{nullptr};
  torch::nn::Conv2d conv1{nullptr};
  torch::nn::LayerNorm norm{nullptr};
};
TORCH_MODULE(Block);

struct TinyImpl : torch::nn::Module {
  TinyImpl() {
    blocks = register_module("down_blocks", torch::nn::ModuleList());
    blocks->push_back(Block());
  }
  torch::nn::ModuleList blocks{nullptr};
};
TORCH_MODULE(Tiny);

class ScratchFolder {
 public:
  ScratchFolder() : path_(fs::temp_directory_path() / ("backdrop_lora_test_" + std::to_string(::getpid()))) {
    fs::create_directories(path_);
  }
  ~ScratchFolder() { fs::remove_all(path_); }
  fs::path file(const std::string& name, const StateDict& tensors) const {
    save_safetensors(path_ / name, tensors);
    return path_ / name;
  }

 private:
  fs::path path_;
};

std::string error_of(const fs::path& file, const std::vector<LoraTarget>& targets) {
  try {
    load_lora_weights(file, targets);
  } catch (const LoraError& error) {
    return error.what();
  }
  return {};
}

torch::Tensor weight(Tiny& model, const std::string& name) {
  return model->named_parameters()[name].detach().clone();
}

}  // namespace

TEST_CASE("kohya linear and LoCon 3x3 layers fuse as W + m * alpha / rank * up @ down") {
  torch::manual_seed(1);
  Tiny model;
  const ScratchFolder scratch;
  const auto down_linear = torch::randn({2, 6});
  const auto up_linear = torch::randn({5, 2});
  const auto down_conv = torch::randn({2, 3, 3, 3});
  const auto up_conv = torch::randn({4, 2, 1, 1});
  const auto file =
      scratch.file("kohya.safetensors", {{"lora_unet_down_blocks_0_proj_in.lora_down.weight", down_linear},
                                         {"lora_unet_down_blocks_0_proj_in.lora_up.weight", up_linear},
                                         {"lora_unet_down_blocks_0_proj_in.alpha", torch::tensor(1.0)},
                                         {"lora_unet_down_blocks_0_conv1.lora_down.weight", down_conv},
                                         {"lora_unet_down_blocks_0_conv1.lora_up.weight", up_conv}});
  const auto linear_before = weight(model, "down_blocks.0.proj_in.weight");
  const auto conv_before = weight(model, "down_blocks.0.conv1.weight");
  LoraAdapter adapter({unet_lora_target(*model)});
  const auto lora = adapter.load_lora_weights(file);
  CHECK(lora.format == "kohya");
  REQUIRE(lora.updates.size() == 2);
  adapter.fuse_lora(lora, 0.6);

  const auto linear_expected = linear_before + 0.6 * (1.0 / 2.0) * torch::mm(up_linear, down_linear);
  const auto conv_expected =
      conv_before + 0.6 * torch::mm(up_conv.flatten(1), down_conv.flatten(1)).reshape({4, 3, 3, 3});
  CHECK(torch::allclose(weight(model, "down_blocks.0.proj_in.weight"), linear_expected, 1e-6, 1e-6));
  CHECK(torch::allclose(weight(model, "down_blocks.0.conv1.weight"), conv_expected, 1e-6, 1e-6));

  adapter.unfuse_lora();
  CHECK(torch::equal(weight(model, "down_blocks.0.proj_in.weight"), linear_before));
  CHECK(torch::equal(weight(model, "down_blocks.0.conv1.weight"), conv_before));
}

TEST_CASE("PEFT names and aliases match the module paths") {
  Tiny model;
  const ScratchFolder scratch;
  const auto file =
      scratch.file("peft.safetensors", {{"unet.input_blocks.1.lin.lora_A.weight", torch::ones({2, 6})},
                                        {"unet.input_blocks.1.lin.lora_B.weight", torch::ones({5, 2})},
                                        {"unet.down_blocks.0.conv1.lora_A.weight", torch::ones({2, 3, 3, 3})},
                                        {"unet.down_blocks.0.conv1.lora_B.weight", torch::ones({4, 2, 1, 1})}});
  const auto lora =
      load_lora_weights(file, {unet_lora_target(*model, {{"input_blocks.1.lin", "down_blocks.0.proj_in"}})});
  CHECK(lora.format == "peft");
  REQUIRE(lora.updates.size() == 2);
  CHECK(lora.updates[0].module == "down_blocks.0.conv1");
  CHECK(lora.updates[1].module == "down_blocks.0.proj_in");
  CHECK(lora.updates[1].scale == 1.0);
}

TEST_CASE("keys that match no module are listed together, with the file") {
  Tiny model;
  const ScratchFolder scratch;
  const auto file =
      scratch.file("unmatched.safetensors", {{"lora_unet_down_blocks_0_proj_in.lora_down.weight", torch::ones({2, 6})},
                                             {"lora_unet_down_blocks_0_proj_in.lora_up.weight", torch::ones({5, 2})},
                                             {"lora_unet_down_blocks_7_proj_in.lora_down.weight", torch::ones({2, 6})},
                                             {"lora_unet_down_blocks_7_proj_in.lora_up.weight", torch::ones({5, 2})},
                                             {"lora_unet_down_blocks_0_norm.lora_down.weight", torch::ones({2, 5})},
                                             {"lora_te_text_model_fc1.lora_down.weight", torch::ones({2, 6})},
                                             {"something_else", torch::ones({1})}});
  const auto message = error_of(file, {unet_lora_target(*model)});
  CAPTURE(message);
  CHECK(message.find("unmatched.safetensors") != std::string::npos);
  CHECK(message.find("5 keys that match no module") != std::string::npos);
  for (const auto* key :
       {"lora_unet_down_blocks_7_proj_in.lora_down.weight", "lora_unet_down_blocks_7_proj_in.lora_up.weight",
        "lora_unet_down_blocks_0_norm.lora_down.weight", "lora_te_text_model_fc1.lora_down.weight", "something_else"}) {
    CHECK(message.find(key) != std::string::npos);
  }
  // The matching module is not reported.
  CHECK(message.find("down_blocks_0_proj_in") == std::string::npos);
}

TEST_CASE("a factor of the wrong shape names the key, both factor shapes and the weight's shape") {
  Tiny model;
  const ScratchFolder scratch;
  const auto file =
      scratch.file("shape.safetensors", {{"lora_unet_down_blocks_0_proj_in.lora_down.weight", torch::ones({2, 7})},
                                         {"lora_unet_down_blocks_0_proj_in.lora_up.weight", torch::ones({5, 2})},
                                         {"lora_unet_down_blocks_0_conv1.lora_down.weight", torch::ones({3, 3, 3, 3})},
                                         {"lora_unet_down_blocks_0_conv1.lora_up.weight", torch::ones({4, 2, 1, 1})}});
  const auto message = error_of(file, {unet_lora_target(*model)});
  CAPTURE(message);
  CHECK(message.find("shape.safetensors") != std::string::npos);
  CHECK(message.find("2 wrong shapes") != std::string::npos);
  CHECK(message.find("lora_unet_down_blocks_0_proj_in.lora_down.weight [2, 7]") != std::string::npos);
  CHECK(message.find("[5, 2]") != std::string::npos);
  CHECK(message.find("make [5, 7], but down_blocks.0.proj_in.weight is [5, 6]") != std::string::npos);
  CHECK(message.find("lora_unet_down_blocks_0_conv1.lora_down.weight [3, 3, 3, 3]") != std::string::npos);
  CHECK(message.find("not LoRA factors of one rank") != std::string::npos);
}

TEST_CASE("a module with one factor, and a file with no LoRA, are errors") {
  Tiny model;
  const ScratchFolder scratch;
  const auto half =
      scratch.file("half.safetensors", {{"lora_unet_down_blocks_0_proj_in.lora_up.weight", torch::ones({5, 2})}});
  CHECK(error_of(half, {unet_lora_target(*model)}).find("1 incomplete modules") != std::string::npos);
  const auto empty = scratch.file("empty.safetensors", {});
  CHECK(error_of(empty, {unet_lora_target(*model)}).find("holds no LoRA weights") != std::string::npos);
}

TEST_CASE("unfuse without kept originals says to load the model again") {
  Tiny model;
  const ScratchFolder scratch;
  const auto file =
      scratch.file("k.safetensors", {{"lora_unet_down_blocks_0_proj_in.lora_down.weight", torch::ones({2, 6})},
                                     {"lora_unet_down_blocks_0_proj_in.lora_up.weight", torch::ones({5, 2})}});
  LoraAdapter adapter({unet_lora_target(*model)}, LoraAdapter::KeepOriginals::no);
  adapter.fuse_lora(adapter.load_lora_weights(file), 1.0);
  CHECK_THROWS_AS(adapter.unfuse_lora(), LoraError);
}

TEST_CASE("--lora FILE[:multiplier]") {
  CHECK(parse_lora_spec("a.safetensors").path == "a.safetensors");
  CHECK(parse_lora_spec("a.safetensors").multiplier == 1.0);
  CHECK(parse_lora_spec("a.safetensors:0.6").multiplier == 0.6);
  CHECK(parse_lora_spec("a.safetensors:0.6").path == "a.safetensors");
  CHECK(parse_lora_spec("a.safetensors:-1").multiplier == -1.0);
  CHECK(parse_lora_spec("C:\\loras\\a.safetensors").path == "C:\\loras\\a.safetensors");
  CHECK_THROWS_AS(parse_lora_spec("a.safetensors:0.6x"), LoraError);
}
