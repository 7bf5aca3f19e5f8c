// Downsample2D and Upsample2D: output sizes on odd inputs, diffusers' padding variants, names.

#include "models/layers/sampling.h"
#include "support/doctest_torch.h"

using namespace backdrop::models;
namespace F = torch::nn::functional;

namespace {

torch::Tensor param(torch::nn::Module& module, const std::string& name) { return module.named_parameters()[name]; }

}  // namespace

TEST_CASE("UNet downsampling: stride-2 convolution with padding 1") {
  torch::manual_seed(4);
  Downsample2DOptions options;
  options.channels = 4;
  options.out_channels = 6;
  Downsample2D down(options);
  CHECK(down->named_parameters().size() == 2);
  const auto x = torch::randn({2, 4, 7, 5});
  torch::NoGradGuard no_grad;
  const auto actual = down(x);
  CHECK(actual.sizes() == c10::IntArrayRef{2, 6, 4, 3});
  const auto expected =
      F::conv2d(x, param(*down, "conv.weight"), F::Conv2dFuncOptions().bias(param(*down, "conv.bias")).stride(2).padding(1));
  CHECK(torch::allclose(actual, expected, 1e-6, 1e-6));
}

TEST_CASE("VAE downsampling: pad right and bottom, then an unpadded convolution") {
  torch::manual_seed(5);
  Downsample2DOptions options;
  options.channels = 3;
  options.padding = 0;
  Downsample2D down(options);
  const auto x = torch::randn({1, 3, 7, 6});
  torch::NoGradGuard no_grad;
  const auto actual = down(x);
  // (7 + 1 - 3) / 2 + 1 = 3 rows, (6 + 1 - 3) / 2 + 1 = 3 columns.
  CHECK(actual.sizes() == c10::IntArrayRef{1, 3, 3, 3});
  const auto padded = torch::zeros({1, 3, 8, 7});
  padded.narrow(2, 0, 7).narrow(3, 0, 6).copy_(x);
  const auto expected =
      F::conv2d(padded, param(*down, "conv.weight"), F::Conv2dFuncOptions().bias(param(*down, "conv.bias")).stride(2));
  CHECK(torch::allclose(actual, expected, 1e-6, 1e-6));
}

TEST_CASE("downsampling without a convolution averages 2x2 blocks") {
  Downsample2DOptions options;
  options.channels = 1;
  options.use_conv = false;
  Downsample2D down(options);
  CHECK(down->named_parameters().size() == 0);
  const auto x = torch::arange(16, torch::kFloat32).view({1, 1, 4, 4});
  CHECK(down(x)[0][0][1][1].item<float>() == doctest::Approx((10 + 11 + 14 + 15) / 4.0));
}

TEST_CASE("upsampling: nearest x2 or to a given size, then the convolution") {
  torch::manual_seed(6);
  Upsample2DOptions options;
  options.channels = 2;
  Upsample2D up(options);
  CHECK(param(*up, "conv.weight").sizes() == c10::IntArrayRef{2, 2, 3, 3});
  const auto x = torch::randn({1, 2, 4, 3});
  const auto conv = [&](const torch::Tensor& t) {
    return F::conv2d(t, param(*up, "conv.weight"), F::Conv2dFuncOptions().bias(param(*up, "conv.bias")).padding(1));
  };
  torch::NoGradGuard no_grad;
  const auto doubled = x.repeat_interleave(2, 2).repeat_interleave(2, 3);
  CHECK(torch::allclose(up(x), conv(doubled), 1e-6, 1e-6));

  // An odd target (a UNet skip connection of 7x5): nearest source index floor(i * in / out).
  const auto sized = up(x, std::vector<int64_t>{7, 5});
  CHECK(sized.sizes() == c10::IntArrayRef{1, 2, 7, 5});
  const auto rows = torch::tensor({0, 0, 1, 1, 2, 2, 3}, torch::kLong);
  const auto cols = torch::tensor({0, 0, 1, 1, 2}, torch::kLong);
  const auto nearest = x.index_select(2, rows).index_select(3, cols);
  CHECK(torch::allclose(sized, conv(nearest), 1e-6, 1e-6));
}
