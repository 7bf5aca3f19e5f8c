// process_in_tiles: the tile grid covers the input exactly and the overlaps are blended linearly.

#include "models/autoencoders/vae_tiling.h"
#include "support/doctest_torch.h"

using namespace backdrop::models;

TEST_CASE("tiles of a position-preserving process reassemble the untiled output") {
  // Nearest x4 upsampling commutes with cropping, so blending identical overlaps must give back
  // exactly the untiled result, whatever the remainders at the right and bottom edges.
  const auto input = torch::randn({2, 3, 23, 17});
  const auto upsample = [](const torch::Tensor& tile) {
    return torch::nn::functional::interpolate(
        tile, torch::nn::functional::InterpolateFuncOptions().scale_factor(std::vector<double>{4, 4}).mode(torch::kNearest));
  };
  TileGrid grid;
  grid.input_tile = 8;
  grid.input_stride = 6;
  grid.output_keep = 6 * 4;
  grid.blend_extent = 2 * 4;
  const auto tiled = process_in_tiles(input, grid, upsample);
  const auto full = upsample(input);
  REQUIRE(tiled.sizes().equals(full.sizes()));
  CHECK(torch::allclose(tiled, full, 0.0, 1e-6));
}

TEST_CASE("overlaps are linear ramps from the left tile to the right one") {
  // Each tile becomes a constant: its column index. Across one row of tiles the output is then
  // j - 1 + y / extent on the first `extent` columns of tile j, and j on the rest.
  int64_t counter = 0;
  const auto constant_per_tile = [&counter](const torch::Tensor& tile) {
    return torch::full(tile.sizes(), static_cast<float>(counter++));
  };
  TileGrid grid;
  grid.input_tile = 8;
  grid.input_stride = 6;
  grid.output_keep = 6;
  grid.blend_extent = 2;
  const auto output = process_in_tiles(torch::zeros({1, 1, 5, 20}), grid, constant_per_tile);
  REQUIRE(output.size(3) == 20);
  REQUIRE(counter == 4);  // tiles start at columns 0, 6, 12, 18
  for (int64_t x = 0; x < 20; ++x) {
    const int64_t tile = x / 6;
    const int64_t offset = x % 6;
    const double expected = (tile > 0 && offset < 2) ? tile - 1 + offset / 2.0 : tile;
    CHECK(output[0][0][3][x].item<double>() == doctest::Approx(expected));
  }
}

TEST_CASE("an invalid grid is an error") {
  TileGrid grid;
  CHECK_THROWS_AS(process_in_tiles(torch::zeros({1, 1, 4, 4}), grid, [](const torch::Tensor& t) { return t; }),
                  std::invalid_argument);
}
