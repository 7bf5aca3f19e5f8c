// Parity of AutoencoderKL with diffusers on the fixture VAE (vae_config.json, vae.safetensors,
// vae_io.safetensors), at the fixture README's tolerance, plus tiled vs untiled agreement.

#include "models/autoencoders/autoencoder_kl.h"
#include "models/loaders/state_dict.h"
#include "models/loaders/torch_tensors.h"
#include "support/doctest_torch.h"
#include "support/parity_tolerance.h"
#include "support/test_data.h"

using namespace backdrop::models;
using backdrop::test::max_abs_difference;
namespace parity = backdrop::test::parity;

namespace {

// `tensor` repeated over height and width, cropped to [height, width]: a larger input with the
// statistics of the fixture's.
torch::Tensor repeat_to(const torch::Tensor& tensor, int64_t height, int64_t width) {
  const int64_t rows = (height + tensor.size(2) - 1) / tensor.size(2);
  const int64_t columns = (width + tensor.size(3) - 1) / tensor.size(3);
  return tensor.repeat({1, 1, rows, columns}).narrow(2, 0, height).narrow(3, 0, width).contiguous();
}

struct Fixture {
  AutoencoderKL vae{nullptr};
  StateDict io;
};

Fixture load_fixture() {
  torch::set_num_threads(1);  // the references were computed on one thread
  const auto dir = backdrop::test::diffusion_fixtures();
  Fixture fixture;
  fixture.vae = AutoencoderKL(AutoencoderKLConfig::from_file(dir / "vae_config.json"));
  load_state_dict(*fixture.vae, load_safetensors(dir / "vae.safetensors"), "vae.safetensors");
  fixture.vae->eval();
  fixture.io = load_safetensors(dir / "vae_io.safetensors");
  return fixture;
}

}  // namespace

TEST_CASE("encoder posterior matches diffusers") {
  auto fixture = load_fixture();
  const auto& io = fixture.io;
  const auto posterior = fixture.vae->encode(io.at("image"));
  MESSAGE("posterior mean max abs error " << max_abs_difference(posterior.mean, io.at("posterior_mean")));
  CHECK_PARITY(posterior.mean, io.at("posterior_mean"), parity::kVae);
  CHECK_PARITY(posterior.logvar, io.at("posterior_logvar"), parity::kVae);
  CHECK_PARITY(posterior.std, io.at("posterior_std"), parity::kVae);
  CHECK_PARITY(posterior.sample(io.at("sample_noise")), io.at("posterior_sample"), parity::kVae);
  CHECK(torch::equal(posterior.mode(), posterior.mean));
}

TEST_CASE("decoder matches diffusers") {
  auto fixture = load_fixture();
  const auto decoded = fixture.vae->decode(fixture.io.at("latent"));
  MESSAGE("decoder max abs error " << max_abs_difference(decoded, fixture.io.at("decoded")));
  CHECK_PARITY(decoded, fixture.io.at("decoded"), parity::kVae);
  CHECK(decoded.is_contiguous());
}

TEST_CASE("the scaling factor comes from the config") {
  auto fixture = load_fixture();
  const auto dir = backdrop::test::diffusion_fixtures();
  const auto config = AutoencoderKLConfig::from_file(dir / "vae_config.json");
  CHECK(fixture.vae->scaling_factor() == config.scaling_factor);
  CHECK(config.scaling_factor > 0.0);
}

TEST_CASE("one tile is the untiled result") {
  auto fixture = load_fixture();
  const auto& io = fixture.io;
  // Without overlap, a tile as large as the input covers it whole: tiling must change nothing.
  const int64_t factor = fixture.vae->config().downscale_factor();
  const int64_t edge = std::max(io.at("image").size(2), io.at("image").size(3));
  VaeTilingOptions whole;
  whole.tile_sample_size = (edge + factor - 1) / factor * factor;
  whole.overlap_factor = 0.0;
  CHECK(torch::equal(fixture.vae->tiled_decode(io.at("latent"), whole), fixture.vae->decode(io.at("latent"))));
  CHECK(torch::equal(fixture.vae->tiled_encode(io.at("image"), whole).mean, fixture.vae->encode(io.at("image")).mean));
}

TEST_CASE("tiled decode and encode of a larger input are the blended tiles") {
  auto fixture = load_fixture();
  auto& vae = fixture.vae;
  const int64_t factor = vae->config().downscale_factor();
  // Default tiling: tiles of sample_size pixels overlapping by a quarter, as diffusers.
  const int64_t tile = vae->config().sample_size / factor;
  const int64_t stride = std::max<int64_t>(1, tile * 3 / 4);
  const int64_t blend = tile - stride;
  REQUIRE(stride > 0);
  // A latent 2.5 tiles wide and 1.75 tiles high (remainders at the edges), built from the
  // fixture latent so that its statistics suit this model.
  const auto large = repeat_to(fixture.io.at("latent"), tile * 7 / 4, tile * 5 / 2);

  const auto tiled = vae->tiled_decode(large);
  REQUIRE(tiled.sizes().equals(vae->decode(large).sizes()));
  // Outside the blended margins, every tile's share of the output is that tile decoded alone.
  // (Tiled and untiled results are not compared: a random VAE's group norm statistics depend
  // strongly on the context a tile sees, so they differ everywhere, not only at seams.)
  const auto first = vae->decode(large.narrow(2, 0, tile).narrow(3, 0, tile));
  CHECK(max_abs_difference(tiled.narrow(2, 0, stride * factor).narrow(3, 0, stride * factor),
                           first.narrow(2, 0, stride * factor).narrow(3, 0, stride * factor)) < 1e-6);
  const auto right = vae->decode(large.narrow(2, 0, tile).narrow(3, stride, tile));
  const int64_t unblended = (stride - blend) * factor;
  CHECK(max_abs_difference(tiled.narrow(2, 0, stride * factor).narrow(3, (stride + blend) * factor, unblended),
                           right.narrow(2, 0, stride * factor).narrow(3, blend * factor, unblended)) < 1e-6);
  // In the margin the result lies between the two tiles' values.
  const auto seam_tiled = tiled.narrow(2, 0, stride * factor).narrow(3, stride * factor, blend * factor);
  const auto seam_left = first.narrow(2, 0, stride * factor).narrow(3, stride * factor, blend * factor);
  const auto seam_right = right.narrow(2, 0, stride * factor).narrow(3, 0, blend * factor);
  CHECK((seam_tiled - torch::min(seam_left, seam_right)).min().item<double>() > -1e-5);
  CHECK((torch::max(seam_left, seam_right) - seam_tiled).min().item<double>() > -1e-5);

  const auto image = repeat_to(fixture.io.at("image"), tile * factor * 7 / 4, tile * factor * 5 / 2);
  const auto tiled_posterior = vae->tiled_encode(image);
  const auto first_posterior = vae->encode(image.narrow(2, 0, tile * factor).narrow(3, 0, tile * factor));
  REQUIRE(tiled_posterior.mean.size(2) == image.size(2) / factor);
  REQUIRE(tiled_posterior.mean.size(3) == image.size(3) / factor);
  CHECK(max_abs_difference(tiled_posterior.mean.narrow(2, 0, stride).narrow(3, 0, stride),
                           first_posterior.mean.narrow(2, 0, stride).narrow(3, 0, stride)) < 1e-6);
  CHECK(max_abs_difference(tiled_posterior.logvar.narrow(2, 0, stride).narrow(3, 0, stride),
                           first_posterior.logvar.narrow(2, 0, stride).narrow(3, 0, stride)) < 1e-6);
}

TEST_CASE("wrong inputs are errors, not crashes") {
  auto fixture = load_fixture();
  CHECK_THROWS_AS(fixture.vae->decode(torch::zeros({1, 3, 8, 8})), std::invalid_argument);
  CHECK_THROWS_AS(fixture.vae->encode(torch::zeros({1, 8, 8})), std::invalid_argument);
  VaeTilingOptions bad;
  bad.tile_sample_size = fixture.vae->config().downscale_factor() + 1;
  CHECK_THROWS_AS(fixture.vae->tiled_decode(fixture.io.at("latent"), bad), std::invalid_argument);
}
