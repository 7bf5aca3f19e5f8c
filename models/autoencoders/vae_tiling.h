#pragma once
// Tiled processing as diffusers' AutoencoderKL.tiled_encode / tiled_decode do it: overlapping
// square tiles are processed one at a time, each tile's top and left margins are blended linearly
// into the tiles above and to the left, and the blended tiles are cropped and put together. Only
// one row of processed tiles is kept at a time, so memory is bounded by the tile size.

#include <cstdint>
#include <functional>

#include <torch/types.h>

namespace backdrop::models {

struct TileGrid {
  int64_t input_tile = 0;    // tile edge in input pixels
  int64_t input_stride = 0;  // distance between tile origins in input pixels
  int64_t blend_extent = 0;  // output rows/columns blended with the neighbouring tile
  int64_t output_keep = 0;   // output rows/columns each tile contributes (diffusers' row_limit)
};

// Applies `process` ([B, C, h, w] tile -> [B, C', h * s, w * s] or / s) to every tile of `input`
// and returns the blended result, exactly as diffusers computes it.
torch::Tensor process_in_tiles(const torch::Tensor& input, const TileGrid& grid,
                               const std::function<torch::Tensor(const torch::Tensor&)>& process);

}  // namespace backdrop::models
