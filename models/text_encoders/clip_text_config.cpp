#include "models/text_encoders/clip_text_config.h"

#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "models/loaders/json_numbers.h"
namespace backdrop::models {
namespace {

const nlohmann::json& text_config_object(const nlohmann::json& json, const std::string& origin) {
  if (!json.is_object()) throw std::invalid_argument(origin + ": a text encoder config must be a JSON object");
  for (const char* nested : {"text_encoder", "text_config"}) {
    if (json.contains(nested) && json[nested].is_object()) return json[nested];
  }
  return json;
}

template <typename T>
void read_field(const nlohmann::json& json, const char* key, T& value, const std::string& origin) {
  if (!json.contains(key) || json[key].is_null()) return;
  if (!converts_exactly<T>(json[key])) {
    throw std::invalid_argument(origin + ": field '" + key + "' must be an integer within range (" + json[key].dump() + ")");
  }
  try {
    value = json[key].get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument(origin + ": field '" + key + "' has the wrong type (" + json[key].dump() + ")");
  }
}

void require_positive(int64_t value, const char* key, const std::string& origin) {
  if (value <= 0) throw std::invalid_argument(origin + ": '" + key + "' must be positive, got " + std::to_string(value));
}

}  // namespace

ClipTextConfig ClipTextConfig::from_json(const nlohmann::json& root, const std::string& origin) {
  const auto& json = text_config_object(root, origin);
  ClipTextConfig config;
  read_field(json, "vocab_size", config.vocab_size, origin);
  read_field(json, "hidden_size", config.hidden_size, origin);
  read_field(json, "intermediate_size", config.intermediate_size, origin);
  read_field(json, "num_hidden_layers", config.num_hidden_layers, origin);
  read_field(json, "num_attention_heads", config.num_attention_heads, origin);
  read_field(json, "max_position_embeddings", config.max_position_embeddings, origin);
  read_field(json, "hidden_act", config.hidden_act, origin);
  read_field(json, "layer_norm_eps", config.layer_norm_eps, origin);
  read_field(json, "eos_token_id", config.eos_token_id, origin);

  require_positive(config.vocab_size, "vocab_size", origin);
  require_positive(config.hidden_size, "hidden_size", origin);
  require_positive(config.intermediate_size, "intermediate_size", origin);
  require_positive(config.num_hidden_layers, "num_hidden_layers", origin);
  require_positive(config.num_attention_heads, "num_attention_heads", origin);
  require_positive(config.max_position_embeddings, "max_position_embeddings", origin);
  if (config.hidden_size % config.num_attention_heads != 0) {
    throw std::invalid_argument(origin + ": hidden_size " + std::to_string(config.hidden_size) +
                                " is not divisible by num_attention_heads " +
                                std::to_string(config.num_attention_heads));
  }
  return config;
}

ClipTextConfig ClipTextConfig::from_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::invalid_argument(path.string() + ": cannot open the text encoder config");
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(file);
  } catch (const nlohmann::json::exception& error) {
    throw std::invalid_argument(path.string() + ": not valid JSON (" + error.what() + ")");
  }
  return from_json(json, path.string());
}

}  // namespace backdrop::models
