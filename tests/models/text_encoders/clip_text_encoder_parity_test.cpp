// The text encoder against transformers' outputs on the fixture's tiny CLIPTextModel: every hidden
// state, the final output, the pooled output and CLIP skip, at the README's 1e-4.
#include <nlohmann/json.hpp>

#include "models/loaders/state_dict.h"
#include "models/loaders/torch_tensors.h"
#include "models/text_encoders/clip_text_model.h"
#include "models/tokenizers/clip_tokenizer.h"
#include "support/doctest_torch.h"
#include "support/parity_tolerance.h"
#include "support/test_data.h"

using namespace backdrop::models;
using backdrop::test::max_abs_difference;
namespace parity = backdrop::test::parity;

namespace {

std::filesystem::path fixture(const char* name) {
  return backdrop::test::diffusion_fixtures() / name;
}

ClipTextModel load_model() {
  ClipTextModel model(ClipTextConfig::from_file(fixture("text_encoder_config.json")));
  const auto weights = fixture("text_encoder.safetensors");
  load_state_dict(*model, load_safetensors(weights), weights.string());
  model->eval();
  return model;
}

}  // namespace

TEST_CASE("last_hidden_state, every hidden state and pooler_output match transformers") {
  auto model = load_model();
  const auto io = load_safetensors(fixture("text_encoder_io.safetensors"));
  const auto output = model->forward(io.at("input_ids"), /*output_hidden_states=*/true);

  MESSAGE("max abs diff: last_hidden_state " << max_abs_difference(output.last_hidden_state, io.at("last_hidden_state"))
                                             << ", pooler_output "
                                             << max_abs_difference(output.pooler_output, io.at("pooler_output")));
  CHECK_PARITY(output.last_hidden_state, io.at("last_hidden_state"), parity::kTextEncoder);
  CHECK_PARITY(output.pooler_output, io.at("pooler_output"), parity::kTextEncoder);

  const auto layers = model->config().num_hidden_layers;
  REQUIRE(output.hidden_states.size() == static_cast<std::size_t>(layers + 1));
  std::size_t references = 0;
  for (const auto& [name, tensor] : io) references += name.rfind("hidden_states.", 0) == 0 ? 1 : 0;
  CHECK(references == output.hidden_states.size());
  for (std::size_t j = 0; j < output.hidden_states.size(); ++j) {
    const auto name = "hidden_states." + std::to_string(j);
    CAPTURE(name);
    REQUIRE(io.count(name) == 1);
    CHECK_PARITY(output.hidden_states[j], io.at(name), parity::kTextEncoder);
  }
}

TEST_CASE("encode gives SD's conditioning, and CLIP skip the penultimate layer through final_layer_norm") {
  auto model = load_model();
  const auto io = load_safetensors(fixture("text_encoder_io.safetensors"));
  const auto& ids = io.at("input_ids");
  CHECK_PARITY(model->encode(ids), io.at("last_hidden_state"), parity::kTextEncoder);

  const auto layers = model->config().num_hidden_layers;
  REQUIRE(layers >= 2);
  const auto penultimate = io.at("hidden_states." + std::to_string(layers - 1));
  torch::NoGradGuard no_grad;
  const auto expected = model->text_model->final_layer_norm(penultimate);
  const auto skipped = model->encode(ids, /*clip_skip=*/1);
  CHECK_PARITY(skipped, expected, parity::kTextEncoder);
  CHECK(max_abs_difference(skipped, io.at("last_hidden_state")) > 1e-2);  // really a different layer
}

TEST_CASE("the reference ids are the tokenizer's ids for the recorded prompts") {
  const auto file = SafetensorsFile::open(fixture("text_encoder_io.safetensors"));
  REQUIRE(file->metadata().count("prompts") == 1);
  const auto prompts = nlohmann::json::parse(file->metadata().at("prompts")).get<std::vector<std::string>>();
  const auto tokenizer = ClipTokenizer::from_folder(fixture("clip_vocab"));
  const auto batch = tokenizer.encode_batch(prompts);
  CHECK(torch::equal(batch.input_ids, to_torch(file->tensor("input_ids"), file)));
}

TEST_CASE("the same weights in float64 give the same outputs") {
  auto model = load_model();
  model->to(torch::kFloat64);
  const auto io = load_safetensors(fixture("text_encoder_io.safetensors"));
  const auto output = model->forward(io.at("input_ids"));
  CHECK((output.last_hidden_state.scalar_type() == torch::kFloat64));
  CHECK_PARITY(output.last_hidden_state, io.at("last_hidden_state"), parity::kTextEncoder);
  CHECK_PARITY(output.pooler_output, io.at("pooler_output"), parity::kTextEncoder);
  CHECK(output.hidden_states.empty());
}
