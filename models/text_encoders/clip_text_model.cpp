#include "models/text_encoders/clip_text_model.h"

#include <limits>
#include <sstream>
#include <stdexcept>

#include <torch/torch.h>

namespace backdrop::models {
namespace {

torch::nn::LayerNorm layer_norm(const ClipTextConfig& config) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({config.hidden_size}).eps(config.layer_norm_eps));
}

// [L, L] additive mask: 0 where a token may attend (itself and earlier ones), -inf after it.
torch::Tensor causal_mask(int64_t length, const torch::TensorOptions& options) {
  return torch::full({length, length}, -std::numeric_limits<float>::infinity(), options).triu_(1);
}

std::string shape_of(const torch::Tensor& tensor) {
  std::ostringstream text;
  text << tensor.sizes();
  return text.str();
}

}  // namespace

ClipActivation parse_clip_activation(const std::string& name) {
  if (name == "quick_gelu") return ClipActivation::QuickGelu;
  if (name == "gelu") return ClipActivation::Gelu;
  if (name == "gelu_new" || name == "gelu_pytorch_tanh") return ClipActivation::GeluTanh;
  if (name == "relu") return ClipActivation::Relu;
  throw std::invalid_argument("text encoder: unsupported hidden_act '" + name +
                              "' (quick_gelu, gelu, gelu_new, gelu_pytorch_tanh or relu)");
}

ClipAttentionImpl::ClipAttentionImpl(const ClipTextConfig& config)
    : num_heads_(config.num_attention_heads),
      head_dim_(config.head_dim()),
      scale_(1.0 / std::sqrt(static_cast<double>(config.head_dim()))) {
  const int64_t width = config.hidden_size;
  k_proj = register_module("k_proj", torch::nn::Linear(width, width));
  v_proj = register_module("v_proj", torch::nn::Linear(width, width));
  q_proj = register_module("q_proj", torch::nn::Linear(width, width));
  out_proj = register_module("out_proj", torch::nn::Linear(width, width));
}

torch::Tensor ClipAttentionImpl::forward(const torch::Tensor& hidden, const torch::Tensor& causal_mask) {
  const int64_t batch = hidden.size(0);
  const int64_t length = hidden.size(1);
  // [B, L, C] -> [B * heads, L, head_dim]
  const auto split_heads = [&](const torch::Tensor& x) {
    return x.view({batch, length, num_heads_, head_dim_}).transpose(1, 2).reshape({batch * num_heads_, length, head_dim_});
  };
  const auto query = split_heads(q_proj(hidden));
  const auto key = split_heads(k_proj(hidden));
  const auto value = split_heads(v_proj(hidden));

  // mask + scale * q k^T in one call; the [L, L] mask broadcasts over batch and heads.
  const auto scores = torch::baddbmm(causal_mask, query, key.transpose(1, 2), /*beta=*/1.0, /*alpha=*/scale_);
  const auto context = torch::bmm(torch::softmax(scores, -1), value);
  return out_proj(context.view({batch, num_heads_, length, head_dim_}).transpose(1, 2).reshape({batch, length, -1}));
}

ClipMlpImpl::ClipMlpImpl(const ClipTextConfig& config) : activation_(parse_clip_activation(config.hidden_act)) {
  fc1 = register_module("fc1", torch::nn::Linear(config.hidden_size, config.intermediate_size));
  fc2 = register_module("fc2", torch::nn::Linear(config.intermediate_size, config.hidden_size));
}

torch::Tensor ClipMlpImpl::forward(const torch::Tensor& hidden) {
  auto x = fc1(hidden);
  switch (activation_) {
    case ClipActivation::QuickGelu:
      x = x * torch::sigmoid(x * 1.702);
      break;
    case ClipActivation::Gelu:
      x = torch::gelu(x);
      break;
    case ClipActivation::GeluTanh:
      x = torch::gelu(x, "tanh");
      break;
    case ClipActivation::Relu:
      x = torch::relu(x);
      break;
  }
  return fc2(x);
}

ClipEncoderLayerImpl::ClipEncoderLayerImpl(const ClipTextConfig& config) {
  self_attn = register_module("self_attn", ClipAttention(config));
  layer_norm1 = register_module("layer_norm1", layer_norm(config));
  mlp = register_module("mlp", ClipMlp(config));
  layer_norm2 = register_module("layer_norm2", layer_norm(config));
}

torch::Tensor ClipEncoderLayerImpl::forward(const torch::Tensor& hidden, const torch::Tensor& causal_mask) {
  auto x = hidden + self_attn(layer_norm1(hidden), causal_mask);
  // `x` is this layer's own tensor, so the second residual can be added in place.
  return x.add_(mlp(layer_norm2(x)));
}

ClipTextEmbeddingsImpl::ClipTextEmbeddingsImpl(const ClipTextConfig& config) {
  token_embedding = register_module("token_embedding", torch::nn::Embedding(config.vocab_size, config.hidden_size));
  position_embedding =
      register_module("position_embedding", torch::nn::Embedding(config.max_position_embeddings, config.hidden_size));
}

torch::Tensor ClipTextEmbeddingsImpl::forward(const torch::Tensor& input_ids) {
  const int64_t length = input_ids.size(1);
  // The first L rows of the position table, broadcast over the batch.
  return token_embedding(input_ids) + position_embedding->weight.narrow(0, 0, length);
}

ClipEncoderImpl::ClipEncoderImpl(const ClipTextConfig& config) {
  layers = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < config.num_hidden_layers; ++i) layers->push_back(ClipEncoderLayer(config));
}

torch::Tensor ClipEncoderImpl::forward(torch::Tensor hidden, const torch::Tensor& causal_mask, int64_t num_layers,
                                       std::vector<torch::Tensor>* hidden_states) {
  if (hidden_states != nullptr) hidden_states->push_back(hidden);
  for (int64_t i = 0; i < num_layers; ++i) {
    hidden = layers->at<ClipEncoderLayerImpl>(static_cast<std::size_t>(i)).forward(hidden, causal_mask);
    if (hidden_states != nullptr) hidden_states->push_back(hidden);
  }
  return hidden;
}

ClipTextTransformerImpl::ClipTextTransformerImpl(const ClipTextConfig& config) : config_(config) {
  embeddings = register_module("embeddings", ClipTextEmbeddings(config));
  encoder = register_module("encoder", ClipEncoder(config));
  final_layer_norm = register_module("final_layer_norm", layer_norm(config));
}

torch::Tensor ClipTextTransformerImpl::embed(const torch::Tensor& input_ids, torch::Tensor& mask) {
  if (input_ids.dim() != 2 || !at::isIntegralType(input_ids.scalar_type(), /*includeBool=*/false)) {
    throw std::invalid_argument("text encoder: input_ids must be an integer [batch, length] tensor, got " +
                                shape_of(input_ids) + " " + std::string(c10::toString(input_ids.scalar_type())));
  }
  const int64_t length = input_ids.size(1);
  if (length < 1 || length > config_.max_position_embeddings || input_ids.size(0) < 1) {
    throw std::invalid_argument("text encoder: input_ids " + shape_of(input_ids) + " must have 1 to " +
                                std::to_string(config_.max_position_embeddings) + " tokens per row");
  }
  const auto& weight = embeddings->token_embedding->weight;
  const auto ids = input_ids.to(weight.device(), torch::kInt64);
  const auto [lowest, highest] = torch::aminmax(ids);
  if (lowest.item<int64_t>() < 0 || highest.item<int64_t>() >= config_.vocab_size) {
    throw std::invalid_argument("text encoder: token ids must lie in [0, " + std::to_string(config_.vocab_size) +
                                "), got [" + std::to_string(lowest.item<int64_t>()) + ", " +
                                std::to_string(highest.item<int64_t>()) + "]");
  }
  mask = causal_mask(length, weight.options());
  return embeddings(ids);
}

torch::Tensor ClipTextTransformerImpl::pool(const torch::Tensor& last_hidden_state, const torch::Tensor& input_ids) const {
  const auto ids = input_ids.to(last_hidden_state.device(), torch::kInt64);
  // transformers: configs with the legacy eos id 2 take the largest id (CLIP's eos is the largest
  // in its vocabulary); newer configs take the first eos.
  const auto eos_position = config_.eos_token_id == 2 ? ids.argmax(-1) : ids.eq(config_.eos_token_id).to(torch::kInt32).argmax(-1);
  const auto rows = torch::arange(ids.size(0), ids.options());
  return last_hidden_state.index({rows, eos_position});
}

ClipTextModelOutput ClipTextTransformerImpl::forward(const torch::Tensor& input_ids, bool output_hidden_states) {
  torch::Tensor mask;
  auto hidden = embed(input_ids, mask);
  ClipTextModelOutput output;
  hidden = encoder(hidden, mask, config_.num_hidden_layers, output_hidden_states ? &output.hidden_states : nullptr);
  output.last_hidden_state = final_layer_norm(hidden);
  output.pooler_output = pool(output.last_hidden_state, input_ids);
  return output;
}

torch::Tensor ClipTextTransformerImpl::encode(const torch::Tensor& input_ids, int64_t clip_skip) {
  if (clip_skip < 0 || clip_skip >= config_.num_hidden_layers) {
    throw std::invalid_argument("text encoder: clip_skip must lie in [0, " +
                                std::to_string(config_.num_hidden_layers) + "), got " + std::to_string(clip_skip));
  }
  torch::Tensor mask;
  const auto hidden = embed(input_ids, mask);
  return final_layer_norm(encoder(hidden, mask, config_.num_hidden_layers - clip_skip));
}

ClipTextModelImpl::ClipTextModelImpl(ClipTextConfig config) : config_(std::move(config)) {
  text_model = register_module("text_model", ClipTextTransformer(config_));
}

ClipTextModelOutput ClipTextModelImpl::forward(const torch::Tensor& input_ids, bool output_hidden_states) {
  const c10::InferenceMode inference;
  return text_model(input_ids, output_hidden_states);
}

torch::Tensor ClipTextModelImpl::encode(const torch::Tensor& input_ids, int64_t clip_skip) {
  const c10::InferenceMode inference;
  return text_model->encode(input_ids, clip_skip);
}

}  // namespace backdrop::models
