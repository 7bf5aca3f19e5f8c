#include "core/backgrounds/background_canvas.h"

#include <opencv2/imgproc.hpp>

#include "core/imaging/compositing.h"
#include "core/imaging/studio_backdrop.h"

namespace backdrop::backgrounds {

BackgroundCanvas make_background_canvas(const imaging::PlacedProduct& placed,
                                        const std::optional<BackgroundColour>& colour,
                                        const ArtifactReduction& reduction) {
  const cv::Size size = placed.product.size();
  cv::Mat start;
  if (colour) {
    imaging::StudioOptions studio;
    studio.colour = colour->bgr;
    studio.gradient = colour->gradient;
    start = imaging::render_backdrop(size, studio);
  } else {
    start = cv::Mat(size, CV_8UC3, cv::Scalar(128, 128, 128));
  }
  BackgroundCanvas out;
  out.canvas = imaging::composite_product(placed, start);

  cv::Mat protected_region;
  const int d = reduction.protection_dilation;
  cv::dilate(placed.mask, protected_region,
             cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * d + 1, 2 * d + 1)));
  out.generate_mask = protected_region == 0;
  out.control_edges = imaging::edge_map(placed.product, placed.mask, reduction.edges);
  return out;
}

}  // namespace backdrop::backgrounds
