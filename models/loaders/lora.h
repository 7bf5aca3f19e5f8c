#pragma once
// LoRA (low-rank adaptation) files, fused into a model's weights, as diffusers'
// `load_lora_weights` / `fuse_lora` / `unfuse_lora` do. Two layouts are read:
//  - kohya sd-scripts / A1111 / LCM-LoRA: `lora_unet_<path with "_" for ".">.lora_down.weight`,
//    `.lora_up.weight` and an optional 0-dim `.alpha`; `lora_te_<path>` for the text encoder.
//    Convolutions (LoCon) have a down factor [rank, in, kh, kw] and an up factor [out, rank, 1, 1].
//  - diffusers PEFT: `unet.<path>.lora_A.weight` (down) and `.lora_B.weight` (up),
//    `text_encoder.<path>...`; an optional `<path>.alpha`.
// A kohya name lost its dots, so it is matched against the underscore form of the model's real
// parameter names (and of their aliases, e.g. the original ldm names), never guessed back.
//
// Fusing at multiplier m: W' = W + m * (alpha / rank) * (up @ down), computed in float32 and
// stored in the weight's dtype; alpha = rank (scale 1) where the file has none.

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <torch/nn/module.h>
#include <torch/types.h>

#include "models/loaders/lora_spec.h"

namespace backdrop::models {

// One model a LoRA may change.
struct LoraTarget {
  std::string name;          // the PEFT prefix: "unet", "text_encoder"
  std::string kohya_prefix;  // "lora_unet_", "lora_te_"
  torch::nn::Module* module = nullptr;
  // Other module paths files use for a module (original ldm path -> diffusers path).
  std::map<std::string, std::string> aliases;
};

LoraTarget unet_lora_target(torch::nn::Module& unet, std::map<std::string, std::string> aliases = {});
LoraTarget text_encoder_lora_target(torch::nn::Module& text_encoder);

// The change of one module's weight.
struct LoraModuleUpdate {
  std::string target;  // LoraTarget::name
  std::string module;  // the module path in the model ("down_blocks.0.resnets.0.conv1")
  std::string key;     // the file's name for it, for messages
  torch::Tensor down;  // [rank, in] or [rank, in, kh, kw]
  torch::Tensor up;    // [out, rank] or [out, rank, 1, 1]
  double scale = 1.0;  // alpha / rank
};

struct LoraWeights {
  std::filesystem::path path;
  std::string format;  // "kohya", "peft" (or both, "kohya+peft")
  std::vector<LoraModuleUpdate> updates;
};

// Reads `path` and matches every module it changes to `targets`. Throws LoraError naming the file
// and listing every key that matches no module, every incomplete module and every shape that does
// not fit the model's weight; SafetensorsError for a corrupt file.
LoraWeights load_lora_weights(const std::filesystem::path& path, const std::vector<LoraTarget>& targets);


// Fuses LoRAs into the targets' weights. With KeepOriginals::yes the first fuse of a weight keeps
// a copy of it, and unfuse_lora() restores every touched weight bit for bit; with ::no (what a
// pipeline that never unfuses wants: no second copy of the weights) removing a LoRA means loading
// the model again.
class LoraAdapter {
 public:
  enum class KeepOriginals { yes, no };
  explicit LoraAdapter(std::vector<LoraTarget> targets, KeepOriginals keep = KeepOriginals::yes);

  LoraWeights load_lora_weights(const std::filesystem::path& path) const;
  // Several LoRAs may be fused one after the other, each with its multiplier.
  void fuse_lora(const LoraWeights& lora, double multiplier = 1.0);
  // Throws LoraError when the originals were not kept.
  void unfuse_lora();
  std::size_t fused_weights() const { return fused_.size(); }

 private:
  torch::Tensor weight_of(const LoraModuleUpdate& update) const;

  std::vector<LoraTarget> targets_;
  KeepOriginals keep_;
  // "target/module" -> the weight before any LoRA (an empty tensor when not kept).
  std::map<std::string, std::pair<torch::Tensor, torch::Tensor>> fused_;  // (parameter, original)
};

}  // namespace backdrop::models
