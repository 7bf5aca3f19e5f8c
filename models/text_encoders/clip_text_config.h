#pragma once
// transformers' CLIPTextConfig: the fields the text encoder's shape and arithmetic depend on.
// Missing fields take transformers' defaults, as `CLIPTextConfig.from_pretrained` does.

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace backdrop::models {

struct ClipTextConfig {
  int64_t vocab_size = 49408;
  int64_t hidden_size = 512;
  int64_t intermediate_size = 2048;
  int64_t num_hidden_layers = 12;
  int64_t num_attention_heads = 8;
  int64_t max_position_embeddings = 77;
  std::string hidden_act = "quick_gelu";  // quick_gelu, gelu, gelu_new, gelu_pytorch_tanh or relu
  double layer_norm_eps = 1e-5;
  // 2 in configs written before transformers 4.31 (SD 1.5's): the pooler then takes argmax(ids).
  int64_t eos_token_id = 49407;

  int64_t head_dim() const { return hidden_size / num_attention_heads; }

  // Accepts a CLIPTextConfig object, a CLIPConfig ("text_config" inside) or a collection of
  // component configs ("text_encoder" inside, like sd15_configs.json). Throws std::invalid_argument
  // naming `origin` and the field on wrong types or inconsistent sizes.
  static ClipTextConfig from_json(const nlohmann::json& json, const std::string& origin);
  static ClipTextConfig from_file(const std::filesystem::path& path);
};

}  // namespace backdrop::models
