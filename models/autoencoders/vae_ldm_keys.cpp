#include "models/autoencoders/vae_ldm_keys.h"

#include <array>
#include <utility>

namespace backdrop::models {
namespace {

class KeyMapBuilder {
 public:
  // A module with a weight and a bias (convolution, group norm, linear).
  void add(const std::string& diffusers, const std::string& ldm) {
    for (const char* parameter : {"weight", "bias"}) {
      keys_.emplace(diffusers + "." + parameter, std::string(kVaeLdmPrefix) + ldm + "." + parameter);
    }
  }

  void add_resnet(const std::string& diffusers, const std::string& ldm, bool has_shortcut) {
    for (const char* part : {"norm1", "conv1", "norm2", "conv2"}) add(diffusers + "." + part, ldm + "." + part);
    if (has_shortcut) add(diffusers + ".conv_shortcut", ldm + ".nin_shortcut");
  }

  void add_mid_block(const std::string& diffusers, const std::string& ldm, bool has_attention) {
    add_resnet(diffusers + ".resnets.0", ldm + ".block_1", false);
    add_resnet(diffusers + ".resnets.1", ldm + ".block_2", false);
    if (!has_attention) return;
    static constexpr std::array<std::pair<const char*, const char*>, 5> kAttentionParts{
        {{"group_norm", "norm"}, {"to_q", "q"}, {"to_k", "k"}, {"to_v", "v"}, {"to_out.0", "proj_out"}}};
    for (const auto& [from, to] : kAttentionParts) add(diffusers + ".attentions.0." + from, ldm + ".attn_1." + to);
  }

  std::map<std::string, std::string> take() { return std::move(keys_); }

 private:
  std::map<std::string, std::string> keys_;
};

}  // namespace

std::map<std::string, std::string> vae_diffusers_to_ldm_keys(const AutoencoderKLConfig& config) {
  const auto& channels = config.block_out_channels;
  const int64_t levels = config.levels();
  KeyMapBuilder map;

  map.add("encoder.conv_in", "encoder.conv_in");
  for (int64_t level = 0; level < levels; ++level) {
    const std::string diffusers = "encoder.down_blocks." + std::to_string(level);
    const std::string ldm = "encoder.down." + std::to_string(level);
    const int64_t block_in = level == 0 ? channels.front() : channels[level - 1];
    for (int64_t layer = 0; layer < config.layers_per_block; ++layer) {
      const bool has_shortcut = layer == 0 && block_in != channels[level];
      map.add_resnet(diffusers + ".resnets." + std::to_string(layer), ldm + ".block." + std::to_string(layer),
                     has_shortcut);
    }
    if (level + 1 < levels) map.add(diffusers + ".downsamplers.0.conv", ldm + ".downsample.conv");
  }
  map.add_mid_block("encoder.mid_block", "encoder.mid", config.mid_block_add_attention);
  map.add("encoder.conv_norm_out", "encoder.norm_out");
  map.add("encoder.conv_out", "encoder.conv_out");

  map.add("decoder.conv_in", "decoder.conv_in");
  map.add_mid_block("decoder.mid_block", "decoder.mid", config.mid_block_add_attention);
  for (int64_t index = 0; index < levels; ++index) {
    const int64_t level = levels - 1 - index;  // the original files number up blocks by resolution level
    const std::string diffusers = "decoder.up_blocks." + std::to_string(index);
    const std::string ldm = "decoder.up." + std::to_string(level);
    const int64_t block_in = index == 0 ? channels.back() : channels[level + 1];
    for (int64_t layer = 0; layer < config.layers_per_block + 1; ++layer) {
      const bool has_shortcut = layer == 0 && block_in != channels[level];
      map.add_resnet(diffusers + ".resnets." + std::to_string(layer), ldm + ".block." + std::to_string(layer),
                     has_shortcut);
    }
    if (index + 1 < levels) map.add(diffusers + ".upsamplers.0.conv", ldm + ".upsample.conv");
  }
  map.add("decoder.conv_norm_out", "decoder.norm_out");
  map.add("decoder.conv_out", "decoder.conv_out");

  if (config.use_quant_conv) map.add("quant_conv", "quant_conv");
  if (config.use_post_quant_conv) map.add("post_quant_conv", "post_quant_conv");
  return map.take();
}

bool vae_ldm_key_needs_conv_reshape(const std::string& diffusers_key) {
  static constexpr std::array<const char*, 4> kProjectionWeights{
      ".attentions.0.to_q.weight", ".attentions.0.to_k.weight", ".attentions.0.to_v.weight",
      ".attentions.0.to_out.0.weight"};
  const bool in_mid_block =
      diffusers_key.rfind("encoder.mid_block.", 0) == 0 || diffusers_key.rfind("decoder.mid_block.", 0) == 0;
  if (!in_mid_block) return false;
  for (const char* suffix : kProjectionWeights) {
    const std::string ending(suffix);
    if (diffusers_key.size() >= ending.size() &&
        diffusers_key.compare(diffusers_key.size() - ending.size(), ending.size(), ending) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace backdrop::models
