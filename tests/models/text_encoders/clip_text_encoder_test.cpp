// The text encoder on small random configs (other sizes than the fixture's): the config reader, a
// straightforward re-computation of the whole forward pass, causality, the pooler's eos rule,
// activations and input checks.
#include <functional>
#include <numbers>

#include <nlohmann/json.hpp>

#include "models/text_encoders/clip_text_model.h"
#include "support/doctest_torch.h"

using namespace backdrop::models;
using nlohmann::json;

namespace {

ClipTextConfig small_config(const std::string& activation = "quick_gelu", int64_t eos_token_id = 2) {
  return ClipTextConfig::from_json(json{{"vocab_size", 50},
                                        {"hidden_size", 12},
                                        {"intermediate_size", 20},
                                        {"num_hidden_layers", 2},
                                        {"num_attention_heads", 3},
                                        {"max_position_embeddings", 10},
                                        {"hidden_act", activation},
                                        {"layer_norm_eps", 1e-5},
                                        {"eos_token_id", eos_token_id}},
                                   "small");
}

// Random weights everywhere, norms included, so that nothing is an identity.
ClipTextModel random_model(const ClipTextConfig& config) {
  torch::manual_seed(7);
  ClipTextModel model(config);
  torch::NoGradGuard no_grad;
  for (auto& parameter : model->parameters()) parameter.copy_(torch::randn_like(parameter) * 0.5);
  return model;
}

torch::Tensor activation(const torch::Tensor& x, const std::string& name) {
  if (name == "quick_gelu") return x * torch::sigmoid(1.702 * x);
  if (name == "gelu") return 0.5 * x * (1 + torch::erf(x / std::sqrt(2.0)));
  if (name == "relu") return x.clamp_min(0);
  return 0.5 * x * (1 + torch::tanh(std::sqrt(2.0 / std::numbers::pi) * (x + 0.044715 * x.pow(3))));
}

// transformers' CLIPTextTransformer written out with one head at a time and an explicit mask.
torch::Tensor reference_last_hidden_state(ClipTextModel& model, const torch::Tensor& ids) {
  torch::NoGradGuard no_grad;
  const auto& config = model->config();
  const auto& text = model->text_model;
  const auto norm = [&](const torch::nn::LayerNorm& layer, const torch::Tensor& x) {
    const auto mean = x.mean(-1, true);
    const auto var = (x - mean).pow(2).mean(-1, true);
    return (x - mean) / torch::sqrt(var + config.layer_norm_eps) * layer->weight + layer->bias;
  };
  const auto linear = [](const torch::nn::Linear& layer, const torch::Tensor& x) {
    return torch::matmul(x, layer->weight.t()) + layer->bias;
  };
  const int64_t length = ids.size(1);
  auto x = text->embeddings->token_embedding->weight.index({ids}) +
           text->embeddings->position_embedding->weight.slice(0, 0, length);
  const auto future = torch::ones({length, length}, torch::kBool).triu(1);
  for (const auto& child : *text->encoder->layers) {
    auto& layer = *child->as<ClipEncoderLayerImpl>();
    const auto h = norm(layer.layer_norm1, x);
    const auto q = linear(layer.self_attn->q_proj, h) * std::pow(config.head_dim(), -0.5);
    const auto k = linear(layer.self_attn->k_proj, h);
    const auto v = linear(layer.self_attn->v_proj, h);
    std::vector<torch::Tensor> heads;
    for (int64_t head = 0; head < config.num_attention_heads; ++head) {
      const auto part = [&](const torch::Tensor& t) { return t.narrow(-1, head * config.head_dim(), config.head_dim()); };
      const auto scores = torch::matmul(part(q), part(k).transpose(-1, -2)).masked_fill(future, -1e30);
      heads.push_back(torch::matmul(torch::softmax(scores, -1), part(v)));
    }
    x = x + linear(layer.self_attn->out_proj, torch::cat(heads, -1));
    x = x + linear(layer.mlp->fc2, activation(linear(layer.mlp->fc1, norm(layer.layer_norm2, x)), config.hidden_act));
  }
  return norm(text->final_layer_norm, x);
}

double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the config is read from CLIPTextConfig, CLIPConfig or a component collection") {
  const auto plain = small_config();
  CHECK(plain.head_dim() == 4);
  const auto nested = ClipTextConfig::from_json(json{{"text_config", {{"hidden_size", 64}, {"num_attention_heads", 4}}}}, "clip");
  CHECK(nested.hidden_size == 64);
  CHECK(nested.num_hidden_layers == 12);  // transformers' default
  const auto collection = ClipTextConfig::from_json(json{{"unet", json::object()}, {"text_encoder", {{"num_hidden_layers", 5}}}}, "all");
  CHECK(collection.num_hidden_layers == 5);

  CHECK(error_of([] { ClipTextConfig::from_json(json{{"hidden_size", 10}, {"num_attention_heads", 3}}, "cfg.json"); })
            .find("cfg.json: hidden_size 10 is not divisible") != std::string::npos);
  CHECK(error_of([] { ClipTextConfig::from_json(json{{"hidden_size", "wide"}}, "cfg.json"); }).find("'hidden_size'") !=
        std::string::npos);
  CHECK(error_of([] { ClipTextConfig::from_json(json{{"num_hidden_layers", 0}}, "cfg.json"); }).find("positive") !=
        std::string::npos);
  CHECK(error_of([] { ClipTextConfig::from_file("no/such/config.json"); }).find("no/such/config.json") != std::string::npos);
  CHECK(error_of([] { ClipTextModel(small_config("swish")); }).find("'swish'") != std::string::npos);
}

TEST_CASE("the forward pass equals a head-by-head re-computation, for every activation") {
  for (const std::string name : {"quick_gelu", "gelu", "gelu_new", "relu"}) {
    CAPTURE(name);
    auto model = random_model(small_config(name));
    const auto ids = torch::randint(0, 50, {3, 10}, torch::kInt64);
    CHECK(max_abs_diff(model->forward(ids).last_hidden_state, reference_last_hidden_state(model, ids)) < 1e-4);
  }
}

TEST_CASE("a token never sees the tokens after it, and rows are independent") {
  auto model = random_model(small_config());
  auto ids = torch::randint(0, 49, {2, 8}, torch::kInt64);
  const auto before = model->forward(ids).last_hidden_state;
  auto changed = ids.clone();
  changed.index_put_({0, 5}, 49);
  const auto after = model->forward(changed).last_hidden_state;
  CHECK(max_abs_diff(before.slice(1, 0, 5), after.slice(1, 0, 5)) == 0.0);
  CHECK(max_abs_diff(before[0].slice(0, 5), after[0].slice(0, 5)) > 1e-3);
  CHECK(max_abs_diff(before[1], after[1]) < 1e-6);
  CHECK(max_abs_diff(model->forward(ids.slice(0, 1, 2)).last_hidden_state[0], before[1]) < 1e-5);
}

TEST_CASE("the pooler takes argmax(ids) with the legacy eos id 2, else the first eos") {
  const auto ids = torch::tensor({{1, 9, 40, 7, 7, 7}, {1, 7, 3, 45, 7, 7}}, torch::kInt64);
  auto legacy = random_model(small_config("quick_gelu", 2));
  auto legacy_out = legacy->forward(ids);
  CHECK(torch::equal(legacy_out.pooler_output[0], legacy_out.last_hidden_state[0][2]));
  CHECK(torch::equal(legacy_out.pooler_output[1], legacy_out.last_hidden_state[1][3]));

  auto modern = random_model(small_config("quick_gelu", 7));
  auto modern_out = modern->forward(ids);
  CHECK(torch::equal(modern_out.pooler_output[0], modern_out.last_hidden_state[0][3]));
  CHECK(torch::equal(modern_out.pooler_output[1], modern_out.last_hidden_state[1][1]));
}

TEST_CASE("hidden states and CLIP skip") {
  auto model = random_model(small_config());
  const auto ids = torch::randint(0, 50, {2, 10}, torch::kInt64);
  const auto output = model->forward(ids, /*output_hidden_states=*/true);
  REQUIRE(output.hidden_states.size() == 3);
  torch::NoGradGuard no_grad;
  CHECK(max_abs_diff(model->text_model->final_layer_norm(output.hidden_states[2]), output.last_hidden_state) < 1e-6);
  CHECK(max_abs_diff(model->encode(ids, 1), model->text_model->final_layer_norm(output.hidden_states[1])) < 1e-6);
  CHECK(max_abs_diff(model->encode(ids), output.last_hidden_state) < 1e-6);
}

TEST_CASE("bad inputs are refused with the reason") {
  auto model = random_model(small_config());
  CHECK(error_of([&] { model->forward(torch::zeros({2, 11}, torch::kInt64)); }).find("1 to 10 tokens") != std::string::npos);
  CHECK(error_of([&] { model->forward(torch::zeros({10}, torch::kInt64)); }).find("[batch, length]") != std::string::npos);
  CHECK(error_of([&] { model->forward(torch::zeros({1, 4})); }).find("integer") != std::string::npos);
  CHECK(error_of([&] { model->forward(torch::full({1, 4}, 50, torch::kInt64)); }).find("[0, 50)") != std::string::npos);
  CHECK(error_of([&] { model->encode(torch::zeros({1, 4}, torch::kInt64), 2); }).find("clip_skip") != std::string::npos);
}
