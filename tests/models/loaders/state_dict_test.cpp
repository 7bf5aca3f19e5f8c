#include "models/loaders/state_dict.h"
#include "support/doctest_torch.h"

using namespace backdrop::models;

namespace {

struct TinyImpl : torch::nn::Module {
  TinyImpl() {
    linear = register_module("proj", torch::nn::Linear(3, 2));
    register_buffer("scale", torch::ones({2}));
  }
  torch::nn::Linear linear{nullptr};
};
TORCH_MODULE(Tiny);

std::string load_error(Tiny& model, const StateDict& tensors, const LoadOptions& options = {}) {
  try {
    load_state_dict(*model, tensors, "model.safetensors", options);
  } catch (const StateDictError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("copies every parameter and buffer by name") {
  Tiny model;
  StateDict tensors{{"proj.weight", torch::arange(6, torch::kFloat32).reshape({2, 3})},
                    {"proj.bias", torch::tensor({1.0f, 2.0f})},
                    {"scale", torch::tensor({3.0f, 4.0f}, torch::kFloat16)}};
  load_state_dict(*model, tensors, "model.safetensors");
  CHECK(torch::equal(model->linear->weight, tensors.at("proj.weight")));
  CHECK(model->named_buffers()["scale"][1].item<float>() == 4.0f);

  const auto inventory = module_inventory(*model);
  REQUIRE(inventory.size() == 3);
  CHECK(inventory[0].first == "proj.bias");
  CHECK(inventory[1].second == std::vector<int64_t>{2, 3});
}

TEST_CASE("lists missing, unexpected and wrongly shaped keys in one error") {
  Tiny model;
  const StateDict tensors{{"proj.weight", torch::zeros({3, 2})}, {"extra", torch::zeros({1})}, {"scale", torch::zeros({2})}};
  const auto message = load_error(model, tensors);
  CHECK(message.find("model.safetensors") != std::string::npos);
  CHECK(message.find("1 missing keys:\n    proj.bias") != std::string::npos);
  CHECK(message.find("1 unexpected keys:\n    extra") != std::string::npos);
  CHECK(message.find("proj.weight: checkpoint [3, 2], model [2, 3]") != std::string::npos);
}

TEST_CASE("ignored keys are skipped and nothing is copied on error") {
  Tiny model;
  const auto before = model->linear->weight.clone();
  StateDict tensors{{"proj.weight", torch::ones({2, 3})}, {"proj.bias", torch::ones({2})},
                    {"scale", torch::ones({2})}, {"model_ema.decay", torch::ones({1})}};
  LoadOptions options;
  options.ignore_key = [](const std::string& key) { return key.rfind("model_ema.", 0) == 0; };
  CHECK(load_error(model, tensors, options).empty());

  Tiny untouched;
  const auto untouched_before = untouched->linear->weight.clone();
  tensors.erase("proj.bias");
  CHECK(!load_error(untouched, tensors, options).empty());
  CHECK(torch::equal(untouched->linear->weight, untouched_before));
}
