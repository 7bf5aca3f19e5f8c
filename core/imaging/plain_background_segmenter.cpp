#include "core/imaging/plain_background_segmenter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <opencv2/imgproc.hpp>

#include "core/imaging/background_model.h"
#include "core/imaging/colour_space.h"
#include "core/imaging/grabcut_refinement.h"
#include "core/imaging/mask_cleanup.h"
#include "core/imaging/region_growing.h"
#include "core/imaging/textured_backdrop.h"

namespace backdrop::imaging {
namespace {

cv::Mat downscale(const cv::Mat& bgr, int long_side) {
  const double scale = std::min(1.0, long_side / static_cast<double>(std::max(bgr.rows, bgr.cols)));
  if (scale >= 1.0) return bgr.clone();
  cv::Mat small;
  cv::resize(bgr, small, cv::Size(), scale, scale, cv::INTER_AREA);
  return small;
}

// Canny edges thickened by a pixel, so that small gaps in a faint outline (white on white)
// do not let the growth into the product.
cv::Mat edge_walls(const cv::Mat& bgr, double low, double high) {
  cv::Mat edges;
  cv::Canny(bgr, edges, low, high);
  cv::dilate(edges, edges, cv::Mat());
  return edges;
}

// Region growing stopped by the edge walls. The walls are thickened to close gaps, so the
// backdrop-coloured wall pixels that border the grown background are given back afterwards.
cv::Mat grow_backdrop(const cv::Mat& lab, const cv::Mat& distance, const cv::Mat& walls, const cv::Mat& backdrop_like,
                      const GrowthLimits& limits) {
  cv::Mat grown = grow_background_from_border(lab, distance, walls, limits);
  for (int pass = 0; pass < 2; ++pass) {
    cv::Mat around;
    cv::dilate(grown, around, cv::Mat());
    grown |= around & walls & backdrop_like;
  }
  return grown;
}

// Puts the mask's edge where the colour is halfway between backdrop and product. The growth
// stops a pixel or two early (thickened walls, the denoising blur), so pixels in a narrow band
// around the edge are decided again on the unblurred image: product when their distance to the
// backdrop is at least half the largest distance nearby on the product side.
cv::Mat snap_edge_to_half_contrast(const cv::Mat& mask, const cv::Mat& distance, int band) {
  const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * band + 1, 2 * band + 1));
  cv::Mat inner, outer, product_distance, nearby_contrast;
  cv::erode(mask, inner, kernel);
  cv::dilate(mask, outer, kernel);
  distance.copyTo(product_distance, inner);
  cv::dilate(product_distance, nearby_contrast,
             cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(4 * band + 1, 4 * band + 1)));
  const cv::Mat decided = (distance >= 0.5 * nearby_contrast) & (nearby_contrast > 0);
  cv::Mat snapped = inner.clone();
  snapped |= decided & outer;
  return snapped;
}

// How far the mask can be trusted: a plain border, a clear step in colour along the product's
// edge, and GrabCut agreeing with the region growing all raise it.
double mask_confidence(const BorderBackground& background, const cv::Mat& distance, const cv::Mat& grown,
                       const cv::Mat& refined) {
  cv::Mat eroded;
  cv::erode(refined, eroded, cv::Mat());
  const cv::Mat rim = refined & ~eroded;
  const double rim_contrast = rim.empty() || cv::countNonZero(rim) == 0 ? 0 : cv::mean(distance, rim)[0];
  const double agreement = cv::countNonZero(grown & refined) / std::max(1.0, double(cv::countNonZero(grown | refined)));
  const double coverage = cv::countNonZero(refined) / double(refined.total());
  const double plain = std::clamp((background.plain_fraction - 0.5) / 0.4, 0.0, 1.0);
  const double contrast = std::clamp(rim_contrast / 15.0, 0.0, 1.0);
  const double sane_size = coverage > 0.005 && coverage < 0.95 ? 1.0 : 0.3;
  return std::clamp(plain * (0.6 + 0.4 * contrast) * (0.5 + 0.5 * agreement) * sane_size, 0.0, 1.0);
}

Segmentation needs_attention(double confidence, std::string note) {
  Segmentation result;
  result.method = SegmentationMethod::PlainBackground;
  result.needs_attention = true;
  result.confidence = confidence;
  result.note = std::move(note);
  return result;
}

}  // namespace

PlainBackgroundSegmenter::PlainBackgroundSegmenter(PlainBackgroundOptions options) : options_(options) {}

Segmentation PlainBackgroundSegmenter::segment(const cv::Mat& bgr) const {
  CV_Assert(bgr.type() == CV_8UC3 && !bgr.empty());
  cv::Mat small = downscale(bgr, options_.working_size);
  cv::Mat smoothed;
  cv::GaussianBlur(small, smoothed, cv::Size(3, 3), 0);  // JPEG noise would stop the growing
  const cv::Mat lab = bgr_to_lab(smoothed);

  const auto background = estimate_border_background(lab);
  if (background.plain_fraction < options_.min_plain_fraction || background.spread > options_.max_background_spread) {
    char note[200];
    std::snprintf(note, sizeof note,
                  "the background is not plain (%.0f%% of the border is one colour): use the learned segmenter "
                  "or a hand-drawn mask",
                  100 * background.plain_fraction);
    return needs_attention(0.2 * background.plain_fraction, note);
  }

  if (border_edge_density(small, options_.edge_low_threshold, options_.edge_high_threshold) >
      options_.max_border_edge_density) {
    return on_textured_backdrop(bgr, small);
  }

  const cv::Mat distance = shadow_tolerant_distance(smoothed, lab, background.lab);
  GrowthLimits limits;
  limits.seed_distance = static_cast<float>(std::max(6.0, 1.5 * background.spread + 3.0));
  const cv::Mat colour_distance = lab_distance(lab, background.lab);
  const cv::Mat backdrop_like = colour_distance < limits.seed_distance;  // the backdrop itself, not its shadow
  const cv::Mat walls = edge_walls(smoothed, options_.edge_low_threshold, options_.edge_high_threshold);
  const cv::Mat grown = grow_backdrop(lab, distance, walls, backdrop_like, limits);

  cv::Mat product = remove_small_components(grown == 0, 0.01);
  if (cv::countNonZero(product) == 0)
    return needs_attention(0, "no product found: the whole image looks like backdrop");

  const int band = std::max(2, std::max(small.rows, small.cols) / 100);
  cv::Mat refined = refine_edge_with_grabcut(small, product, band, options_.grabcut_iterations);
  refined = snap_edge_to_half_contrast(refined, lab_distance(bgr_to_lab(small), background.lab), 2);
  const int min_see_through = std::max(16, static_cast<int>(small.total() / 1000));
  refined = fill_enclosed_holes(refined, backdrop_like, min_see_through);
  const cv::Mat shadow_like = (distance < limits.max_distance / 2) & ~backdrop_like;
  refined = remove_detached_shadows(refined, shadow_like);
  refined = remove_small_components(refined, 0.02);

  return at_full_size(bgr, refined, mask_confidence(background, colour_distance, product, refined));
}

Segmentation PlainBackgroundSegmenter::at_full_size(const cv::Mat& bgr, const cv::Mat& small_mask,
                                                    double confidence) const {
  Segmentation result;
  result.method = SegmentationMethod::PlainBackground;
  result.confidence = confidence;
  if (small_mask.size() == bgr.size()) {
    result.mask = small_mask;
  } else {
    cv::resize(small_mask, result.mask, bgr.size(), 0, 0, cv::INTER_LINEAR);
    result.mask = result.mask >= 128;
  }
  result.alpha = feathered_alpha(result.mask, options_.feather_radius);
  return result;
}

Segmentation PlainBackgroundSegmenter::on_textured_backdrop(const cv::Mat& bgr, const cv::Mat& small) const {
  const cv::Mat product = segment_by_border_colours(small, kPlainTolerance);
  if (cv::countNonZero(product) == 0) {
    return needs_attention(0, "the backdrop is a textured wall and no product stands out from it in colour: use "
                              "the learned segmenter or a hand-drawn mask");
  }
  Segmentation result = at_full_size(bgr, product, options_.textured_confidence);
  result.reasons.emplace_back("the backdrop is textured (a brick or tiled wall): the mask was cut by colour");
  return result;
}

}  // namespace backdrop::imaging
