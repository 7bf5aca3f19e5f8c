#include "models/text_encoders/clip_text_ldm_keys.h"

namespace backdrop::models {

std::vector<std::string> clip_text_model_keys(const ClipTextConfig& config) {
  std::vector<std::string> keys = {"text_model.embeddings.token_embedding.weight",
                                   "text_model.embeddings.position_embedding.weight"};
  for (int64_t layer = 0; layer < config.num_hidden_layers; ++layer) {
    const std::string prefix = "text_model.encoder.layers." + std::to_string(layer) + ".";
    for (const char* module : {"self_attn.k_proj", "self_attn.v_proj", "self_attn.q_proj", "self_attn.out_proj",
                               "layer_norm1", "mlp.fc1", "mlp.fc2", "layer_norm2"}) {
      keys.push_back(prefix + module + ".weight");
      keys.push_back(prefix + module + ".bias");
    }
  }
  keys.emplace_back("text_model.final_layer_norm.weight");
  keys.emplace_back("text_model.final_layer_norm.bias");
  return keys;
}

std::map<std::string, std::string> clip_text_diffusers_to_ldm_keys(const ClipTextConfig& config) {
  std::map<std::string, std::string> mapping;
  for (auto& key : clip_text_model_keys(config)) {
    std::string ldm_key = std::string(kClipTextLdmPrefix) + key;
    mapping.emplace(std::move(key), std::move(ldm_key));
  }
  return mapping;
}

}  // namespace backdrop::models
