#include "models/autoencoders/vae_tiling.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include <torch/torch.h>

namespace backdrop::models {
namespace {

// Blends the last `extent` entries of `previous` along `dim` into the first `extent` of `current`:
// weight y / extent for `current`, 1 - y / extent for `previous` (diffusers' blend_v / blend_h).
void blend(const torch::Tensor& previous, torch::Tensor& current, int64_t dim, int64_t extent) {
  extent = std::min({previous.size(dim), current.size(dim), extent});
  if (extent <= 0) return;
  // Weights along `dim`, shaped to broadcast over the other dimensions; both are computed in
  // double and rounded once, like diffusers' Python-float factors.
  std::vector<int64_t> shape(current.dim(), 1);
  shape[dim] = extent;
  const torch::Tensor ramp = torch::arange(extent, current.options().dtype(torch::kFloat64)) / static_cast<double>(extent);
  const torch::Tensor weight = ramp.to(current.scalar_type()).view(shape);
  const torch::Tensor complement = (1.0 - ramp).to(current.scalar_type()).view(shape);
  const torch::Tensor tail = previous.narrow(dim, previous.size(dim) - extent, extent);
  torch::Tensor head = current.narrow(dim, 0, extent);
  head.copy_(tail * complement + head * weight);
}

}  // namespace

torch::Tensor process_in_tiles(const torch::Tensor& input, const TileGrid& grid,
                               const std::function<torch::Tensor(const torch::Tensor&)>& process) {
  if (input.dim() != 4) throw std::invalid_argument("process_in_tiles: expected a [B, C, H, W] tensor");
  if (grid.input_tile <= 0 || grid.input_stride <= 0 || grid.output_keep <= 0 || grid.blend_extent < 0) {
    throw std::invalid_argument("process_in_tiles: tile size, stride and kept size must be positive");
  }
  const int64_t height = input.size(2);
  const int64_t width = input.size(3);

  std::vector<torch::Tensor> previous_row;
  std::vector<torch::Tensor> output_rows;
  for (int64_t top = 0; top < height; top += grid.input_stride) {
    std::vector<torch::Tensor> row;
    std::vector<torch::Tensor> kept;
    for (int64_t left = 0; left < width; left += grid.input_stride) {
      const torch::Tensor tile_input = input.narrow(2, top, std::min(grid.input_tile, height - top))
                                           .narrow(3, left, std::min(grid.input_tile, width - left));
      torch::Tensor tile = process(tile_input);
      // Same order as diffusers: blend with the (already blended) tile above, then with the left one.
      if (!previous_row.empty()) blend(previous_row[row.size()], tile, 2, grid.blend_extent);
      if (!row.empty()) blend(row.back(), tile, 3, grid.blend_extent);
      row.push_back(tile);
      kept.push_back(tile.narrow(2, 0, std::min(grid.output_keep, tile.size(2)))
                         .narrow(3, 0, std::min(grid.output_keep, tile.size(3))));
    }
    output_rows.push_back(torch::cat(kept, /*dim=*/3));
    previous_row = std::move(row);
  }
  return torch::cat(output_rows, /*dim=*/2);
}

}  // namespace backdrop::models
