#pragma once
// transformers' CLIPTextModel on libtorch, with the same module tree and therefore the same
// parameter names (text_model.embeddings.token_embedding.weight, text_model.encoder.layers.{i}.
// self_attn.q_proj.weight, ...), so that a diffusers `text_encoder/` checkpoint loads with
// load_state_dict as it is. Pre-LN transformer with a causal mask and no padding mask, as Stable
// Diffusion runs it. Works on any device and floating dtype the module is moved to.

#include <cstdint>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include "models/text_encoders/clip_text_config.h"

namespace backdrop::models {

enum class ClipActivation { QuickGelu, Gelu, GeluTanh, Relu };
// transformers' ACT2FN names; throws std::invalid_argument for others.
ClipActivation parse_clip_activation(const std::string& name);

class ClipAttentionImpl : public torch::nn::Module {
 public:
  explicit ClipAttentionImpl(const ClipTextConfig& config);
  // hidden: [B, L, C]; causal_mask: [L, L] additive (0 or -inf).
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& causal_mask);

  torch::nn::Linear k_proj{nullptr}, v_proj{nullptr}, q_proj{nullptr}, out_proj{nullptr};

 private:
  int64_t num_heads_;
  int64_t head_dim_;
  double scale_;
};
TORCH_MODULE(ClipAttention);

class ClipMlpImpl : public torch::nn::Module {
 public:
  explicit ClipMlpImpl(const ClipTextConfig& config);
  torch::Tensor forward(const torch::Tensor& hidden);

  torch::nn::Linear fc1{nullptr}, fc2{nullptr};

 private:
  ClipActivation activation_;
};
TORCH_MODULE(ClipMlp);

class ClipEncoderLayerImpl : public torch::nn::Module {
 public:
  explicit ClipEncoderLayerImpl(const ClipTextConfig& config);
  // x + attn(ln1(x)), then + mlp(ln2(.)); `hidden` itself is left untouched.
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& causal_mask);

  ClipAttention self_attn{nullptr};
  torch::nn::LayerNorm layer_norm1{nullptr};
  ClipMlp mlp{nullptr};
  torch::nn::LayerNorm layer_norm2{nullptr};
};
TORCH_MODULE(ClipEncoderLayer);

class ClipTextEmbeddingsImpl : public torch::nn::Module {
 public:
  explicit ClipTextEmbeddingsImpl(const ClipTextConfig& config);
  // Token embeddings plus the embeddings of positions 0 .. L-1.
  torch::Tensor forward(const torch::Tensor& input_ids);

  torch::nn::Embedding token_embedding{nullptr}, position_embedding{nullptr};
};
TORCH_MODULE(ClipTextEmbeddings);

class ClipEncoderImpl : public torch::nn::Module {
 public:
  explicit ClipEncoderImpl(const ClipTextConfig& config);

  // Runs the first `num_layers` layers. With `hidden_states`, appends the input and every layer's
  // output to it (transformers' `hidden_states` tuple).
  torch::Tensor forward(torch::Tensor hidden, const torch::Tensor& causal_mask, int64_t num_layers,
                        std::vector<torch::Tensor>* hidden_states = nullptr);

  torch::nn::ModuleList layers{nullptr};
};
TORCH_MODULE(ClipEncoder);

struct ClipTextModelOutput {
  torch::Tensor last_hidden_state;            // [B, L, hidden], after final_layer_norm
  torch::Tensor pooler_output;                // [B, hidden]: last_hidden_state at the first eos
  std::vector<torch::Tensor> hidden_states;   // num_hidden_layers + 1 tensors when asked, else empty
};

class ClipTextTransformerImpl : public torch::nn::Module {
 public:
  explicit ClipTextTransformerImpl(const ClipTextConfig& config);

  ClipTextModelOutput forward(const torch::Tensor& input_ids, bool output_hidden_states = false);
  // final_layer_norm(hidden_states[-1 - clip_skip]), running only the layers that needs.
  torch::Tensor encode(const torch::Tensor& input_ids, int64_t clip_skip = 0);

  ClipTextEmbeddings embeddings{nullptr};
  ClipEncoder encoder{nullptr};
  torch::nn::LayerNorm final_layer_norm{nullptr};

 private:
  torch::Tensor embed(const torch::Tensor& input_ids, torch::Tensor& causal_mask);
  torch::Tensor pool(const torch::Tensor& last_hidden_state, const torch::Tensor& input_ids) const;

  ClipTextConfig config_;
};
TORCH_MODULE(ClipTextTransformer);

class ClipTextModelImpl : public torch::nn::Module {
 public:
  explicit ClipTextModelImpl(ClipTextConfig config);

  // input_ids: integer [B, L] with L <= max_position_embeddings, on any device (moved to the
  // model's). Runs under InferenceMode.
  ClipTextModelOutput forward(const torch::Tensor& input_ids, bool output_hidden_states = false);

  // Stable Diffusion's text conditioning. `clip_skip` counts final layers skipped, as diffusers'
  // `clip_skip` does: 0 is last_hidden_state, 1 the penultimate layer through final_layer_norm
  // (what A1111 calls "CLIP skip 2"). Runs under InferenceMode.
  torch::Tensor encode(const torch::Tensor& input_ids, int64_t clip_skip = 0);

  const ClipTextConfig& config() const { return config_; }

  ClipTextTransformer text_model{nullptr};

 private:
  ClipTextConfig config_;
};
TORCH_MODULE(ClipTextModel);

}  // namespace backdrop::models
