#include "models/unets/ldm_names.h"

#include <vector>

namespace backdrop::models {
namespace {

// Collects diffusers -> ldm names module by module.
class KeyMapBuilder {
 public:
  explicit KeyMapBuilder(std::string ldm_prefix) : ldm_prefix_(std::move(ldm_prefix)) {}

  // A module with weight and bias whose name changes as a whole.
  void weight_and_bias(const std::string& from, const std::string& to) {
    for (const char* leaf : {"weight", "bias"}) add(from + "." + leaf, to + "." + leaf);
  }

  void resnet(const std::string& from, const std::string& to, bool has_shortcut) {
    weight_and_bias(from + ".norm1", to + ".in_layers.0");
    weight_and_bias(from + ".conv1", to + ".in_layers.2");
    weight_and_bias(from + ".time_emb_proj", to + ".emb_layers.1");
    weight_and_bias(from + ".norm2", to + ".out_layers.0");
    weight_and_bias(from + ".conv2", to + ".out_layers.3");
    if (has_shortcut) weight_and_bias(from + ".conv_shortcut", to + ".skip_connection");
  }

  // Transformer2DModel: the ldm SpatialTransformer uses the same sub-names.
  void transformer(const std::string& from, const std::string& to, int64_t layers) {
    std::vector<std::string> modules{"norm", "proj_in", "proj_out"};
    for (int64_t t = 0; t < layers; ++t) {
      const std::string block = "transformer_blocks." + std::to_string(t) + ".";
      for (const char* name :
           {"norm1", "norm2", "norm3", "attn1.to_out.0", "attn2.to_out.0", "ff.net.0.proj", "ff.net.2"}) {
        modules.push_back(block + name);
      }
      for (const char* attention : {"attn1", "attn2"}) {
        for (const char* projection : {"to_q", "to_k", "to_v"}) {
          const std::string name = block + attention + "." + projection + ".weight";
          add(from + "." + name, to + "." + name);
        }
      }
    }
    for (const auto& module : modules) weight_and_bias(from + "." + module, to + "." + module);
  }

  std::map<std::string, std::string> take() { return std::move(map_); }

 private:
  void add(const std::string& diffusers, const std::string& ldm) { map_[diffusers] = ldm_prefix_ + ldm; }

  std::string ldm_prefix_;
  std::map<std::string, std::string> map_;
};

std::string index_name(const std::string& base, int64_t index) {
  return base + "." + std::to_string(index);
}

void add_encoder(KeyMapBuilder& keys, const UNetEncoderConfig& config) {
  keys.weight_and_bias("conv_in", "input_blocks.0.0");
  keys.weight_and_bias("time_embedding.linear_1", "time_embed.0");
  keys.weight_and_bias("time_embedding.linear_2", "time_embed.2");

  int64_t input_block = 1;
  for (int64_t level = 0; level < config.levels(); ++level) {
    const std::string block = index_name("down_blocks", level);
    const int64_t out_channels = config.block_out_channels[level];
    for (int64_t j = 0; j < config.layers_per_block[level]; ++j, ++input_block) {
      const int64_t in_channels = j > 0 ? out_channels : config.block_out_channels[level > 0 ? level - 1 : 0];
      const std::string ldm = index_name("input_blocks", input_block);
      keys.resnet(index_name(block + ".resnets", j), ldm + ".0", in_channels != out_channels);
      if (config.has_cross_attention(level)) {
        keys.transformer(index_name(block + ".attentions", j), ldm + ".1", config.transformer_layers_per_block[level]);
      }
    }
    if (level + 1 < config.levels()) {
      keys.weight_and_bias(block + ".downsamplers.0.conv", index_name("input_blocks", input_block) + ".0.op");
      ++input_block;
    }
  }

  const int64_t last = config.levels() - 1;
  keys.resnet("mid_block.resnets.0", "middle_block.0", false);
  keys.transformer("mid_block.attentions.0", "middle_block.1", config.transformer_layers_per_block[last]);
  keys.resnet("mid_block.resnets.1", "middle_block.2", false);
}

}  // namespace

std::map<std::string, std::string> unet_encoder_ldm_key_map(const UNetEncoderConfig& config,
                                                            const std::string& prefix) {
  KeyMapBuilder keys(prefix);
  add_encoder(keys, config);
  return keys.take();
}

std::map<std::string, std::string> unet_ldm_key_map(const UNet2DConditionConfig& config, const std::string& prefix) {
  KeyMapBuilder keys(prefix);
  const auto& encoder = config.encoder;
  add_encoder(keys, encoder);

  int64_t output_block = 0;
  int64_t prev_output_channels = encoder.block_out_channels.back();
  for (int64_t i = 0; i < encoder.levels(); ++i) {
    const int64_t level = encoder.levels() - 1 - i;
    const int64_t out_channels = encoder.block_out_channels[level];
    const int64_t skip_channels = encoder.block_out_channels[level > 0 ? level - 1 : 0];
    const int64_t layers = config.up_layers(i);
    const bool attention = config.up_has_cross_attention(i);
    const std::string block = index_name("up_blocks", i);
    for (int64_t j = 0; j < layers; ++j, ++output_block) {
      // Same channel arithmetic as UpBlock2D: the input is the previous output plus one skip.
      const int64_t in_channels =
          (j == 0 ? prev_output_channels : out_channels) + (j == layers - 1 ? skip_channels : out_channels);
      const std::string ldm = index_name("output_blocks", output_block);
      keys.resnet(index_name(block + ".resnets", j), ldm + ".0", in_channels != out_channels);
      if (attention) {
        keys.transformer(index_name(block + ".attentions", j), ldm + ".1", encoder.transformer_layers_per_block[level]);
      }
      if (j == layers - 1 && level > 0) {
        keys.weight_and_bias(block + ".upsamplers.0.conv", ldm + (attention ? ".2" : ".1") + ".conv");
      }
    }
    prev_output_channels = out_channels;
  }
  keys.weight_and_bias("conv_norm_out", "out.0");
  keys.weight_and_bias("conv_out", "out.2");
  return keys.take();
}

}  // namespace backdrop::models
