#pragma once
// Segmentation of products photographed on a plain backdrop (white, grey, off-white or a
// saturated studio colour, JPEG noise and soft shadows included), without any model weights:
//   1. a background model from the image border (colour and plainness),
//   2. region growing from the border,
//   3. GrabCut refinement in a narrow band around the grown edge,
//   4. hole filling (see-through loops stay background) and small-component cleanup,
//   5. upsampling to full resolution with a feathered soft alpha.
// Photos whose border is not plain (scenes) are reported as needing attention, without a mask.
// Photos on a light textured wall (plain in colour, but full of edges: brick, tiles) are cut by
// colour instead (textured_backdrop.h), with a confidence capped below any sensible threshold.

#include "core/imaging/segmentation.h"

namespace backdrop::imaging {

struct PlainBackgroundOptions {
  int working_size = 256;             // long side, in pixels, of the image the mask is computed on
  double min_plain_fraction = 0.75;   // below: the border is not a plain backdrop
  double max_background_spread = 10.5;  // above: the backdrop is textured (a wall, a table)
  double edge_low_threshold = 6;     // Canny thresholds for the edges that stop the growth: low, so
  double edge_high_threshold = 18;   // that faint outlines (white on white) still count
  int grabcut_iterations = 2;         // 0 turns the refinement off
  double feather_radius = 1.0;        // soft alpha width at full resolution, pixels
  double max_border_edge_density = 0.1;  // above: the backdrop is a textured wall
  double textured_confidence = 0.5;      // the most a mask cut from a textured wall is trusted
};

class PlainBackgroundSegmenter : public Segmenter {
 public:
  explicit PlainBackgroundSegmenter(PlainBackgroundOptions options = {});
  Segmentation segment(const cv::Mat& bgr) const override;

 private:
  Segmentation on_textured_backdrop(const cv::Mat& bgr, const cv::Mat& small) const;
  Segmentation at_full_size(const cv::Mat& bgr, const cv::Mat& small_mask, double confidence) const;

  PlainBackgroundOptions options_;
};

}  // namespace backdrop::imaging
