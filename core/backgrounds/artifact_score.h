#pragma once
// An automatic artifact score for a generated background, computed on the generated image BEFORE
// the product is pasted back (after paste-back the product region is the original by construction):
//
// - object expansion, as Eshratifar et al. (2024, "Salient Object-Aware Background Generation using
//   Text-Guided Diffusion Models") measure it: segment the generated image with the same segmenter
//   the product was cut out with, and report (|G ∪ P| - |P|) / |P| for the generated object mask G
//   and the product mask P. 0 means the model drew nothing that the segmenter takes for the object
//   beyond the product; 0.3 means the "object" grew by 30 %.
// - edge continuation: generated edges that start at the product's outline and run outwards (a
//   strap, a leg or a second outline the model added), as edge pixels of such edge chains in a band
//   just outside the mask per pixel of outline.
//
// A variant whose score passes either threshold is flagged for review.

#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "core/imaging/segmentation.h"

namespace backdrop::backgrounds {

struct ArtifactThresholds {
  double object_expansion = 0.10;
  double edge_continuation = 0.50;
};

struct ArtifactScoreOptions {
  int band = 8;             // width in pixels of the band outside the mask where edges are examined
  int outline_gap = 2;      // pixels next to the outline skipped (the product's own edge and the seam)
  double canny_low = 40;
  double canny_high = 120;
  ArtifactThresholds thresholds;
};

struct ArtifactScore {
  // Empty when the segmenter found no object in the generated image (a busy scene): the
  // expansion is then unknown, not zero.
  std::optional<double> object_expansion;
  double edge_continuation = 0;
  bool flagged = false;
  std::string reason;  // why it was flagged, for people
};

// (|G ∪ P| - |P|) / |P| for CV_8UC1 masks of the same size (non-zero = set). Throws
// std::invalid_argument when P is empty or the sizes differ.
double object_expansion(const cv::Mat& generated_object_mask, const cv::Mat& product_mask);

// Edge chains of `generated_bgr` touching the outline of `product_mask` within the band outside it:
// their pixels in the band per outline pixel.
double edge_continuation(const cv::Mat& generated_bgr, const cv::Mat& product_mask, const ArtifactScoreOptions& options = {});

ArtifactScore score_artifacts(const cv::Mat& generated_bgr, const cv::Mat& product_mask,
                              const imaging::Segmenter& segmenter, const ArtifactScoreOptions& options = {});

// Decides `flagged` and `reason` from the scores: a project may flag with its own thresholds what
// a renderer scored with the defaults.
void apply_thresholds(ArtifactScore& score, const ArtifactThresholds& thresholds);

}  // namespace backdrop::backgrounds
