#include "models/controlnets/controlnet_ldm_names.h"

#include "models/unets/ldm_names.h"

namespace backdrop::models {
namespace {

void add_weight_and_bias(std::map<std::string, std::string>& keys, const std::string& from, const std::string& to) {
  for (const char* leaf : {".weight", ".bias"}) keys[from + leaf] = to + leaf;
}

}  // namespace

std::map<std::string, std::string> controlnet_ldm_key_map(const ControlNetConfig& config, const std::string& prefix) {
  auto keys = unet_encoder_ldm_key_map(config.encoder, prefix);

  const std::string embedding = "controlnet_cond_embedding.";
  const std::string hint = prefix + "input_hint_block.";
  add_weight_and_bias(keys, embedding + "conv_in", hint + "0");
  const auto blocks = 2 * (config.conditioning_embedding_out_channels.size() - 1);
  for (std::size_t b = 0; b < blocks; ++b) {
    add_weight_and_bias(keys, embedding + "blocks." + std::to_string(b), hint + std::to_string(2 * b + 2));
  }
  add_weight_and_bias(keys, embedding + "conv_out", hint + std::to_string(2 * blocks + 2));

  for (int64_t k = 0; k < config.encoder.skip_connection_count(); ++k) {
    add_weight_and_bias(keys, "controlnet_down_blocks." + std::to_string(k),
                        prefix + "zero_convs." + std::to_string(k) + ".0");
  }
  add_weight_and_bias(keys, "controlnet_mid_block", prefix + "middle_block_out.0");
  return keys;
}

}  // namespace backdrop::models
