// ResnetBlock2D against the diffusers formula written out with functional ops, on odd sizes.

#include <set>

#include "models/layers/resnet.h"
#include "support/doctest_torch.h"

using namespace backdrop::models;
namespace F = torch::nn::functional;

namespace {

std::set<std::string> parameter_names(const torch::nn::Module& module) {
  std::set<std::string> names;
  for (const auto& item : module.named_parameters()) names.insert(item.key());
  return names;
}

// Gives every parameter a random value, so that zero biases or unit norm scales hide nothing.
void randomize(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& parameter : module.parameters()) parameter.copy_(torch::randn_like(parameter) * 0.3);
}

torch::Tensor param(torch::nn::Module& module, const std::string& name) { return module.named_parameters()[name]; }

torch::Tensor group_norm_silu(torch::nn::Module& module, const std::string& norm, const torch::Tensor& x, int64_t groups,
                              double eps) {
  return torch::silu(F::group_norm(x, F::GroupNormFuncOptions(groups)
                                          .weight(param(module, norm + ".weight"))
                                          .bias(param(module, norm + ".bias"))
                                          .eps(eps)));
}

torch::Tensor conv(torch::nn::Module& module, const std::string& name, const torch::Tensor& x, int64_t padding) {
  return F::conv2d(x, param(module, name + ".weight"), F::Conv2dFuncOptions().bias(param(module, name + ".bias")).padding(padding));
}

}  // namespace

TEST_CASE("a block with a time embedding and a channel change follows diffusers") {
  torch::manual_seed(1);
  ResnetBlock2DOptions options;
  options.in_channels = 8;
  options.out_channels = 12;
  options.temb_channels = 5;
  options.groups = 4;
  options.eps = 1e-5;
  options.output_scale_factor = 2.0;
  ResnetBlock2D block(options);
  randomize(*block);
  CHECK(parameter_names(*block) ==
        std::set<std::string>{"norm1.weight", "norm1.bias", "conv1.weight", "conv1.bias", "time_emb_proj.weight",
                              "time_emb_proj.bias", "norm2.weight", "norm2.bias", "conv2.weight", "conv2.bias",
                              "conv_shortcut.weight", "conv_shortcut.bias"});

  const auto x = torch::randn({2, 8, 7, 5});
  const auto temb = torch::randn({2, 5});
  torch::NoGradGuard no_grad;
  auto h = conv(*block, "conv1", group_norm_silu(*block, "norm1", x, 4, 1e-5), 1);
  h = h + F::linear(torch::silu(temb), param(*block, "time_emb_proj.weight"), param(*block, "time_emb_proj.bias"))
              .view({2, 12, 1, 1});
  h = conv(*block, "conv2", group_norm_silu(*block, "norm2", h, 4, 1e-5), 1);
  const auto expected = (conv(*block, "conv_shortcut", x, 0) + h) / 2.0;

  const auto actual = block(x, temb);
  CHECK(actual.sizes() == expected.sizes());
  CHECK(torch::allclose(actual, expected, 1e-5, 1e-5));
  CHECK_THROWS_AS(block(x), std::invalid_argument);
}

TEST_CASE("a VAE block has no time projection and no shortcut") {
  torch::manual_seed(2);
  ResnetBlock2DOptions options;
  options.in_channels = 6;
  options.groups = 3;
  ResnetBlock2D block(options);
  randomize(*block);
  CHECK(parameter_names(*block) == std::set<std::string>{"norm1.weight", "norm1.bias", "conv1.weight", "conv1.bias",
                                                         "norm2.weight", "norm2.bias", "conv2.weight", "conv2.bias"});
  const auto x = torch::randn({1, 6, 3, 9});
  torch::NoGradGuard no_grad;
  auto h = conv(*block, "conv1", group_norm_silu(*block, "norm1", x, 3, 1e-6), 1);
  h = conv(*block, "conv2", group_norm_silu(*block, "norm2", h, 3, 1e-6), 1);
  const auto actual = block(x);
  CHECK(torch::allclose(actual, x + h, 1e-5, 1e-5));
  // The input is untouched by the in-place steps.
  CHECK(torch::allclose(block(x), actual, 0.0, 0.0));
}

TEST_CASE("scale-shift time embedding") {
  torch::manual_seed(3);
  ResnetBlock2DOptions options;
  options.in_channels = 4;
  options.temb_channels = 3;
  options.groups = 2;
  options.time_embedding_norm = TimeEmbeddingNorm::kScaleShift;
  ResnetBlock2D block(options);
  randomize(*block);
  CHECK(param(*block, "time_emb_proj.weight").size(0) == 8);
  const auto x = torch::randn({1, 4, 5, 5});
  const auto temb = torch::randn({1, 3});
  torch::NoGradGuard no_grad;
  auto h = conv(*block, "conv1", group_norm_silu(*block, "norm1", x, 2, 1e-6), 1);
  const auto projected =
      F::linear(torch::silu(temb), param(*block, "time_emb_proj.weight"), param(*block, "time_emb_proj.bias")).view({1, 8, 1, 1});
  const auto scale = projected.narrow(1, 0, 4);
  const auto shift = projected.narrow(1, 4, 4);
  h = F::group_norm(h, F::GroupNormFuncOptions(2).weight(param(*block, "norm2.weight")).bias(param(*block, "norm2.bias")).eps(1e-6));
  h = conv(*block, "conv2", torch::silu(h * (1 + scale) + shift), 1);
  CHECK(torch::allclose(block(x, temb), x + h, 1e-5, 1e-5));
}
