// VaeAttention: diffusers' single-head attention with group norm and residual, against the plain
// formula in token layout.

#include <set>

#include "models/autoencoders/vae_attention.h"
#include "support/doctest_torch.h"

using namespace backdrop::models;
namespace F = torch::nn::functional;

namespace {

void randomize(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& parameter : module.parameters()) parameter.copy_(torch::randn_like(parameter) * 0.5);
}

torch::Tensor param(torch::nn::Module& module, const std::string& name) { return module.named_parameters()[name]; }

// diffusers' AttnProcessor in token layout: softmax(q k^T / sqrt(C)) v, to_out.0, residual.
torch::Tensor reference(torch::nn::Module& attention, const torch::Tensor& x, int64_t groups) {
  const auto b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  const auto normed = F::group_norm(x, F::GroupNormFuncOptions(groups)
                                           .weight(param(attention, "group_norm.weight"))
                                           .bias(param(attention, "group_norm.bias"))
                                           .eps(1e-6));
  const auto tokens = normed.view({b, c, h * w}).transpose(1, 2);
  const auto linear = [&](const std::string& name, const torch::Tensor& t) {
    return F::linear(t, param(attention, name + ".weight"), param(attention, name + ".bias"));
  };
  const auto q = linear("to_q", tokens), k = linear("to_k", tokens), v = linear("to_v", tokens);
  const auto probabilities = torch::softmax(torch::bmm(q, k.transpose(1, 2)) / std::sqrt(static_cast<double>(c)), -1);
  const auto out = linear("to_out.0", torch::bmm(probabilities, v));
  return out.transpose(1, 2).reshape({b, c, h, w}) + x;
}

}  // namespace

TEST_CASE("parameters have diffusers' names") {
  VaeAttention attention(VaeAttentionOptions{8, 4});
  std::set<std::string> names;
  for (const auto& item : attention->named_parameters()) names.insert(item.key());
  CHECK(names == std::set<std::string>{"group_norm.weight", "group_norm.bias", "to_q.weight", "to_q.bias",
                                       "to_k.weight", "to_k.bias", "to_v.weight", "to_v.bias", "to_out.0.weight",
                                       "to_out.0.bias"});
  CHECK(param(*attention, "to_q.weight").sizes() == c10::IntArrayRef{8, 8});
}

TEST_CASE("the attention follows diffusers' formula") {
  torch::manual_seed(7);
  VaeAttention attention(VaeAttentionOptions{8, 4});
  randomize(*attention);
  torch::NoGradGuard no_grad;
  for (const auto& shape : {std::vector<int64_t>{2, 8, 5, 7}, std::vector<int64_t>{1, 8, 1, 1},
                            std::vector<int64_t>{1, 8, 33, 17}}) {
    CAPTURE(shape);
    const auto x = torch::randn(shape);
    const auto actual = attention(x);
    CHECK(actual.sizes() == x.sizes());
    CHECK(actual.is_contiguous());
    CHECK(torch::allclose(actual, reference(*attention, x, 4), 1e-5, 1e-5));
  }
}
