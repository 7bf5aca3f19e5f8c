#pragma once
// What the inpainting pipeline is given for one placed product, built for few artifacts:
// - the region to generate is outside the product mask dilated by a few pixels, so the model never
//   paints over the product's edge;
// - the start canvas outside the product is filled with the variant's colour (or a gradient of it),
//   so a run from strength < 1 starts the background from that colour;
// - the ControlNet edge map holds the product's own edges only (the background stays free).

#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "core/imaging/edge_map.h"
#include "core/imaging/placement.h"

namespace backdrop::backgrounds {

struct ArtifactReduction {
  ArtifactReduction() { edges.mask_dilation = 1; }  // edges of the product only, not the seam beyond it

  int protection_dilation = 3;  // pixels the protected product region extends beyond its mask
  imaging::EdgeMapOptions edges;
};

struct BackgroundColour {
  cv::Vec3b bgr;
  std::string name;  // for the prompt, e.g. "sage green"
  bool gradient = true;
};

struct BackgroundCanvas {
  cv::Mat canvas;         // CV_8UC3: the product on the start background
  cv::Mat generate_mask;  // CV_8UC1: 255 = generate, 0 = keep (the dilated product)
  cv::Mat control_edges;  // CV_8UC1: the product's edges
};

// Without a colour the background starts mid-grey (the pipeline's own neutral value).
BackgroundCanvas make_background_canvas(const imaging::PlacedProduct& placed,
                                        const std::optional<BackgroundColour>& colour,
                                        const ArtifactReduction& reduction = {});

}  // namespace backdrop::backgrounds
