#include "core/imaging/product_segmentation.h"

#include <opencv2/imgproc.hpp>

#include "core/imaging/image_error.h"
#include "core/imaging/learned_refinement.h"

namespace backdrop::imaging {
namespace {

Segmentation from_hand_drawn_mask(const std::filesystem::path& path, const cv::Size& size) {
  const LoadedImage drawn = load_image(path);
  if (drawn.bgr.size() != size) {
    throw ImageError(path.string() + ": the hand-drawn mask is " + std::to_string(drawn.bgr.cols) + "x" +
                     std::to_string(drawn.bgr.rows) + ", the photo " + std::to_string(size.width) + "x" +
                     std::to_string(size.height));
  }
  cv::Mat grey;
  cv::cvtColor(drawn.bgr, grey, cv::COLOR_BGR2GRAY);
  if (drawn.has_alpha()) cv::min(grey, drawn.alpha, grey);  // transparent = background
  Segmentation result = segment_from_alpha(grey);
  result.method = SegmentationMethod::HandDrawn;
  return result;
}

}  // namespace

Segmentation segment_product(const LoadedImage& image, const SegmentationChoice& choice) {
  CV_Assert(choice.plain != nullptr);
  if (!choice.hand_drawn_mask.empty()) return from_hand_drawn_mask(choice.hand_drawn_mask, image.bgr.size());
  if (image.has_alpha()) return segment_from_alpha(image.alpha);
  Segmentation result = choice.plain->segment(image.bgr);
  if (choice.learned != nullptr) result = combine_with_classical(image.bgr, choice.learned->segment(image.bgr), result);
  review_segmentation(image.bgr, result, choice.confidence_threshold);
  return result;
}

std::filesystem::path product_mask_path(const std::filesystem::path& cache_dir, const std::string& product_id) {
  return cache_dir / "masks" / (product_id + ".png");
}

Segmentation segment_with_saved_mask(const LoadedImage& image, const std::filesystem::path& mask_file,
                                     const Segmenter* learned, double confidence_threshold) {
  const PlainBackgroundSegmenter plain;
  SegmentationChoice choice;
  choice.plain = &plain;
  choice.learned = learned;
  choice.confidence_threshold = confidence_threshold;
  if (std::filesystem::exists(mask_file)) choice.hand_drawn_mask = mask_file;
  return segment_product(image, choice);
}

}  // namespace backdrop::imaging
