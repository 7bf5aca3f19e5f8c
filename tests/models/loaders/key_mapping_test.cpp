#include "models/loaders/checkpoint_error.h"
#include "models/loaders/key_mapping.h"
#include "models/loaders/non_weight_keys.h"
#include "support/doctest_torch.h"

using namespace backdrop::models;

namespace {

std::string rename_error(const StateDict& tensors, const KeyMapping& mapping) {
  try {
    rename_to_diffusers(tensors, mapping, "sd15.safetensors (vae)");
  } catch (const CheckpointError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the non-weight rule: position_ids, EMA copies, the training schedule") {
  for (const char* key : {"cond_stage_model.transformer.text_model.embeddings.position_ids", "position_ids",
                          "model_ema.decay", "model_ema.num_updates", "model_ema.diffusion_modelinput_blocks00weight",
                          "betas", "alphas_cumprod", "alphas_cumprod_prev", "sqrt_alphas_cumprod",
                          "sqrt_one_minus_alphas_cumprod", "log_one_minus_alphas_cumprod", "sqrt_recip_alphas_cumprod",
                          "sqrt_recipm1_alphas_cumprod", "posterior_variance", "posterior_log_variance_clipped",
                          "posterior_mean_coef1", "posterior_mean_coef2", "logvar", "lvlb_weights", "scale_factor"}) {
    INFO(key);
    CHECK(is_non_weight_key(key));
  }
  // Weights, even with schedule-like words inside, and unknown top-level keys are kept.
  for (const char* key : {"model.diffusion_model.input_blocks.0.0.weight", "first_stage_model.encoder.conv_in.bias",
                          "model.diffusion_model.betas", "first_stage_model.logvar", "embedding_manager.x", "weights",
                          "text_model.embeddings.position_embedding.weight"}) {
    INFO(key);
    CHECK_FALSE(is_non_weight_key(key));
  }
}

TEST_CASE("renames every mapped tensor and skips non-weight keys") {
  const StateDict ldm{{"first_stage_model.a.weight", torch::arange(4, torch::kFloat32)},
                      {"first_stage_model.b.bias", torch::ones({2}, torch::kFloat16)},
                      {"betas", torch::zeros({10})},
                      {"model_ema.decay", torch::tensor(0.999)}};
  KeyMapping mapping;
  mapping.diffusers_to_ldm = {{"x.weight", "first_stage_model.a.weight"}, {"y.bias", "first_stage_model.b.bias"}};
  const auto renamed = rename_to_diffusers(ldm, mapping, "file");
  REQUIRE(renamed.size() == 2);
  CHECK(torch::equal(renamed.at("x.weight"), ldm.at("first_stage_model.a.weight")));
  // No conversion unless asked: the fp16 tensor stays fp16 (and a view of the source).
  CHECK((renamed.at("y.bias").scalar_type() == torch::kFloat16));
  CHECK(renamed.at("y.bias").data_ptr() == ldm.at("first_stage_model.b.bias").data_ptr());

  const auto converted = rename_to_diffusers(ldm, mapping, "file", {torch::kFloat32});
  CHECK((converted.at("y.bias").scalar_type() == torch::kFloat32));
  CHECK(converted.at("y.bias")[1].item<float>() == 1.0f);
}

TEST_CASE("unknown keys and absent targets are one error naming the file") {
  const StateDict ldm{{"first_stage_model.a", torch::zeros({1})}, {"first_stage_model.stray", torch::zeros({1})}};
  KeyMapping mapping;
  mapping.diffusers_to_ldm = {{"a", "first_stage_model.a"}, {"b", "first_stage_model.b"}};
  const auto message = rename_error(ldm, mapping);
  CHECK(message.find("sd15.safetensors (vae)") == 0);
  CHECK(message.find("1 keys the model needs that the file lacks:\n    first_stage_model.b (for b)") != std::string::npos);
  CHECK(message.find("1 keys in the file that the model does not know:\n    first_stage_model.stray") !=
        std::string::npos);

  StateDict many;
  for (int i = 0; i < 25; ++i) {
    std::string key = "k";
    key += std::to_string(i);
    many.emplace(key, torch::zeros({1}));
  }
  const auto long_message = rename_error(many, KeyMapping{});
  CHECK(long_message.find("25 keys in the file that the model does not know") != std::string::npos);
  CHECK(long_message.find("... and 5 more") != std::string::npos);
}

TEST_CASE("conv1x1_to_linear reshapes only the keys it is given, only 1x1 kernels") {
  const auto transform = conv1x1_to_linear([](const std::string& key) { return key.ends_with("to_q.weight"); });
  const auto conv = torch::arange(16, torch::kFloat32).reshape({4, 4, 1, 1});
  const auto linear = transform("mid_block.attentions.0.to_q.weight", conv);
  CHECK(linear.sizes().vec() == std::vector<int64_t>{4, 4});
  CHECK(torch::equal(linear, conv.reshape({4, 4})));
  CHECK(transform("conv_in.weight", conv).dim() == 4);
  CHECK(transform("mid_block.attentions.0.to_q.weight", conv.reshape({4, 4})).dim() == 2);
  CHECK_THROWS_WITH_AS(transform("mid_block.attentions.0.to_q.weight", torch::zeros({4, 4, 3, 3})),
                       doctest::Contains("expected a 1x1 convolution weight"), CheckpointError);

  KeyMapping mapping{{{"mid_block.attentions.0.to_q.weight", "first_stage_model.q.weight"}}, transform};
  const auto renamed = rename_to_diffusers({{"first_stage_model.q.weight", conv}}, mapping, "file");
  CHECK(renamed.at("mid_block.attentions.0.to_q.weight").sizes().vec() == std::vector<int64_t>{4, 4});
}
