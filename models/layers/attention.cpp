#include "models/layers/attention.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include <torch/torch.h>
#include <torch/version.h>

namespace backdrop::models {
namespace {

#if TORCH_VERSION_MAJOR >= 2
constexpr bool kNativeSdpa = true;
#else
constexpr bool kNativeSdpa = false;
#endif

bool is_reduced_precision(const torch::Tensor& tensor) {
  return tensor.scalar_type() == torch::kHalf || tensor.scalar_type() == torch::kBFloat16;
}

void check_attention_shapes(const torch::Tensor& query, const torch::Tensor& key, const torch::Tensor& value) {
  const bool ok = query.dim() == 4 && key.dim() == 4 && value.dim() == 4 && query.size(0) == key.size(0) &&
                  query.size(1) == key.size(1) && query.size(3) == key.size(3) && key.sizes() == value.sizes();
  if (!ok) {
    throw std::invalid_argument("attention: expected query [B, H, Nq, D] and key, value [B, H, Nk, D], got " +
                                c10::str(query.sizes()) + ", " + c10::str(key.sizes()) + ", " +
                                c10::str(value.sizes()));
  }
}

}  // namespace

bool has_native_sdpa() {
  return kNativeSdpa;
}

torch::Tensor naive_attention(const torch::Tensor& query, const torch::Tensor& key, const torch::Tensor& value,
                              double scale) {
  check_attention_shapes(query, key, value);
  const torch::Tensor scores = torch::matmul(query, key.transpose(-1, -2)) * scale;
  return torch::matmul(torch::softmax(scores, -1), value);
}

torch::Tensor blocked_attention(const torch::Tensor& query, const torch::Tensor& key, const torch::Tensor& value,
                                double scale, bool upcast, int64_t score_budget) {
  check_attention_shapes(query, key, value);
  const int64_t batch = query.size(0), heads = query.size(1), query_tokens = query.size(2);
  const int64_t key_tokens = key.size(2);

  // Scores and softmax run in float32 for half-precision inputs: CPU has no fp16 softmax, and the
  // exponentials lose too much in fp16 anyway (diffusers' upcast_attention / upcast_softmax).
  const bool upcast_scores = upcast || (is_reduced_precision(query) && query.device().is_cpu());
  const auto score_type = upcast_scores ? torch::kFloat32 : query.scalar_type();
  // Folding the scale into q costs Nq*D multiplications instead of Nq*Nk.
  const torch::Tensor q = (query.to(score_type) * scale);
  const torch::Tensor k = key.to(score_type);

  const int64_t rows = std::clamp<int64_t>(score_budget / std::max<int64_t>(key_tokens, 1), 1, query_tokens);
  // Laid out [B, Nq, H, D] so that merging the heads afterwards is a free view.
  torch::Tensor output = torch::empty({batch, query_tokens, heads, value.size(3)}, value.options()).transpose(1, 2);
  torch::Tensor scores = torch::empty({rows, key_tokens}, q.options());
  torch::Tensor probabilities = torch::empty({rows, key_tokens}, q.options());

  // One head at a time, `rows` queries at a time: every matrix below is a 2-D view, so the matrix
  // products run straight on the [B, H, N, D] tensors (strided rows are a BLAS leading dimension).
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t h = 0; h < heads; ++h) {
      const torch::Tensor key_t = k[b][h].t();
      const torch::Tensor head_value = value[b][h];
      for (int64_t start = 0; start < query_tokens; start += rows) {
        const int64_t count = std::min(rows, query_tokens - start);
        torch::Tensor block_scores = scores.narrow(0, 0, count);
        torch::Tensor block_probabilities = probabilities.narrow(0, 0, count);
        at::mm_out(block_scores, q[b][h].narrow(0, start, count), key_t);
        at::_softmax_out(block_probabilities, block_scores, -1, false);
        torch::Tensor block_output = output[b][h].narrow(0, start, count);
        if (block_probabilities.scalar_type() == head_value.scalar_type()) {
          at::mm_out(block_output, block_probabilities, head_value);
        } else {
          at::mm_out(block_output, block_probabilities.to(head_value.scalar_type()), head_value);
        }
      }
    }
  }
  return output;
}

torch::Tensor scaled_dot_product_attention(const torch::Tensor& query, const torch::Tensor& key,
                                           const torch::Tensor& value, double scale, bool upcast) {
#if TORCH_VERSION_MAJOR >= 2
  check_attention_shapes(query, key, value);
  // libtorch's kernel scales by 1/sqrt(D); fold the requested scale into q (the `scale` argument
  // only exists from 2.1).
  const double correction = scale * std::sqrt(static_cast<double>(query.size(-1)));
  if (upcast && is_reduced_precision(query)) {
    return at::scaled_dot_product_attention(query.to(torch::kFloat32) * correction, key.to(torch::kFloat32),
                                            value.to(torch::kFloat32))
        .to(value.scalar_type());
  }
  return at::scaled_dot_product_attention(query * correction, key, value);
#else
  return blocked_attention(query, key, value, scale, upcast);
#endif
}

AttentionImpl::AttentionImpl(const AttentionOptions& options)
    : heads_(options.heads),
      scale_(1.0 / std::sqrt(static_cast<double>(options.dim_head))),
      upcast_(options.upcast_attention) {
  if (options.query_dim <= 0 || options.heads <= 0 || options.dim_head <= 0) {
    throw std::invalid_argument("Attention: query_dim, heads and dim_head must be positive (got " +
                                std::to_string(options.query_dim) + ", " + std::to_string(options.heads) + ", " +
                                std::to_string(options.dim_head) + ")");
  }
  const int64_t inner_dim = options.heads * options.dim_head;
  const int64_t context_dim = options.cross_attention_dim > 0 ? options.cross_attention_dim : options.query_dim;
  auto linear = [](int64_t in, int64_t out, bool bias) {
    return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
  };
  to_q_ = register_module("to_q", linear(options.query_dim, inner_dim, options.qkv_bias));
  to_k_ = register_module("to_k", linear(context_dim, inner_dim, options.qkv_bias));
  to_v_ = register_module("to_v", linear(context_dim, inner_dim, options.qkv_bias));
  out_proj_ = linear(inner_dim, options.query_dim, options.out_bias);
  to_out_ = register_module("to_out", torch::nn::ModuleList(out_proj_));
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& hidden_states, const torch::Tensor& context) {
  const torch::Tensor& source = context.defined() ? context : hidden_states;
  const int64_t batch = hidden_states.size(0);
  // [B, N, H*D] -> [B, H, N, D] as a view; the kernels accept the strides.
  auto split_heads = [&](const torch::Tensor& projected) {
    return projected.view({batch, projected.size(1), heads_, -1}).transpose(1, 2);
  };
  const torch::Tensor query = split_heads(to_q_(hidden_states));
  const torch::Tensor key = split_heads(to_k_(source));
  const torch::Tensor value = split_heads(to_v_(source));

  const torch::Tensor attended = scaled_dot_product_attention(query, key, value, scale_, upcast_);
  // [B, H, N, D] -> [B, N, H*D]
  return out_proj_(attended.transpose(1, 2).reshape({batch, hidden_states.size(1), -1}));
}

}  // namespace backdrop::models
