#include "models/layers/attention.h"

#include "models/loaders/state_dict.h"
#include "support/doctest_torch.h"

using namespace backdrop::models;

namespace {

double max_difference(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

// q, k, v as the Attention module hands them over: [B, H, N, D] views of [B, N, H*D] projections.
torch::Tensor heads_view(int64_t batch, int64_t tokens, int64_t heads, int64_t dim) {
  return torch::randn({batch, tokens, heads * dim}).view({batch, tokens, heads, dim}).transpose(1, 2);
}

}  // namespace

TEST_CASE("blocked attention equals the naive reference for any block size") {
  torch::manual_seed(0);
  const auto query = heads_view(2, 37, 3, 8);
  for (const int64_t key_tokens : {37, 7}) {  // self- and cross-attention lengths
    const auto key = heads_view(2, key_tokens, 3, 8);
    const auto value = heads_view(2, key_tokens, 3, 8);
    const auto reference = naive_attention(query, key, value, 0.35);
    REQUIRE(reference.sizes() == query.sizes());
    // One query row per block, a ragged last block, and everything in one block.
    for (const int64_t budget : {int64_t{1}, 5 * key_tokens, kAttentionScoreBudget}) {
      CAPTURE(key_tokens);
      CAPTURE(budget);
      const auto blocked = blocked_attention(query, key, value, 0.35, false, budget);
      CHECK(blocked.sizes() == reference.sizes());
      CHECK(max_difference(blocked, reference) < 1e-5);
    }
  }
}

TEST_CASE("the dispatching kernel agrees with both implementations") {
  torch::manual_seed(1);
  const auto query = heads_view(1, 64, 2, 16);
  const auto key = heads_view(1, 64, 2, 16);
  const auto value = heads_view(1, 64, 2, 16);
  const auto dispatched = scaled_dot_product_attention(query, key, value, 0.25);
  CHECK(max_difference(dispatched, naive_attention(query, key, value, 0.25)) < 1e-5);
  CHECK(max_difference(dispatched, blocked_attention(query, key, value, 0.25, false, 100)) < 1e-5);
  // The result really depends on the scale (a kernel that ignored it would pass the above for 1/sqrt(D) only).
  CHECK(max_difference(dispatched, scaled_dot_product_attention(query, key, value, 0.5)) > 1e-3);
}

TEST_CASE("reduced precision runs with float32 scores and stays close to float32") {
  torch::manual_seed(2);
  const auto query = heads_view(1, 50, 2, 8);
  const auto key = heads_view(1, 50, 2, 8);
  const auto value = heads_view(1, 50, 2, 8);
  const auto reference = naive_attention(query, key, value, 0.35);
  for (const bool upcast : {false, true}) {
    const auto low = blocked_attention(query.to(torch::kBFloat16), key.to(torch::kBFloat16), value.to(torch::kBFloat16),
                                       0.35, upcast, 128);
    CHECK((low.scalar_type() == torch::kBFloat16));
    CHECK(max_difference(low, reference) < 0.05);
  }
}

TEST_CASE("mismatched shapes are rejected with the shapes in the message") {
  const auto query = torch::randn({1, 2, 4, 8});
  const auto key = torch::randn({1, 2, 4, 6});
  CHECK_THROWS_WITH_AS(blocked_attention(query, key, key, 1.0), doctest::Contains("[1, 2, 4, 6]"),
                       std::invalid_argument);
}

TEST_CASE("Attention has diffusers' parameter names and matches a hand-written forward") {
  torch::manual_seed(3);
  AttentionOptions options;
  options.query_dim = 12;
  options.cross_attention_dim = 10;
  options.heads = 3;
  options.dim_head = 5;
  Attention attention(options);

  std::vector<std::string> names;
  for (const auto& [name, shape] : module_inventory(*attention)) names.push_back(name);
  CHECK(names ==
        std::vector<std::string>{"to_k.weight", "to_out.0.bias", "to_out.0.weight", "to_q.weight", "to_v.weight"});

  torch::NoGradGuard no_grad;
  const auto hidden = torch::randn({2, 9, 12});
  const auto context = torch::randn({2, 4, 10});
  const auto output = attention(hidden, context);
  REQUIRE(output.sizes() == hidden.sizes());

  auto parameters = attention->named_parameters();
  auto split = [](const torch::Tensor& x) { return x.view({x.size(0), x.size(1), 3, 5}).permute({0, 2, 1, 3}); };
  const auto q = split(torch::matmul(hidden, parameters["to_q.weight"].t()));
  const auto k = split(torch::matmul(context, parameters["to_k.weight"].t()));
  const auto v = split(torch::matmul(context, parameters["to_v.weight"].t()));
  const auto scores = torch::softmax(torch::matmul(q, k.transpose(-1, -2)) / std::sqrt(5.0), -1);
  const auto merged = torch::matmul(scores, v).permute({0, 2, 1, 3}).reshape({2, 9, 15});
  const auto expected = torch::matmul(merged, parameters["to_out.0.weight"].t()) + parameters["to_out.0.bias"];
  CHECK(max_difference(output, expected) < 1e-5);

  // Self-attention when no context is given needs keys of the query width.
  CHECK_THROWS(attention(hidden));
}
