#pragma once
// Choosing the mask for one product photo: a hand-drawn mask when one is given, else the alpha
// channel, else the plain-background segmenter combined with the learned segmenter when one is set
// (learned_refinement.h). A computed mask is then reviewed (mask_review.h): below the confidence
// threshold it needs attention, with the reasons listed.

#include <filesystem>
#include <string>

#include "core/imaging/image_io.h"
#include "core/imaging/mask_review.h"
#include "core/imaging/plain_background_segmenter.h"

namespace backdrop::imaging {

struct SegmentationChoice {
  const PlainBackgroundSegmenter* plain = nullptr;  // required
  const Segmenter* learned = nullptr;               // optional
  std::filesystem::path hand_drawn_mask;            // optional: a greyscale PNG, white = product
  double confidence_threshold = kDefaultConfidenceThreshold;
};

// Throws ImageError when the hand-drawn mask cannot be read or has another size.
Segmentation segment_product(const LoadedImage& image, const SegmentationChoice& choice);

// <cache>/masks/<product id>.png: white = product. Written by Studio's "Prepare" and mask brush.
std::filesystem::path product_mask_path(const std::filesystem::path& cache_dir, const std::string& product_id);

// The product's segmentation: `mask_file` (its saved mask) when it exists, else the plain-background
// segmenter's, combined with `learned` when one is given, reviewed against `confidence_threshold`.
Segmentation segment_with_saved_mask(const LoadedImage& image, const std::filesystem::path& mask_file,
                                     const Segmenter* learned = nullptr,
                                     double confidence_threshold = kDefaultConfidenceThreshold);

}  // namespace backdrop::imaging
