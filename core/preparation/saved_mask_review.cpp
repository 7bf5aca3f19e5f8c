#include "core/preparation/saved_mask_review.h"

#include "core/imaging/image_io.h"
#include "core/imaging/mask_review.h"
#include "core/imaging/product_segmentation.h"
#include "core/preparation/project_segmentation.h"
#include "core/store/project.h"

namespace backdrop {
namespace {

constexpr const char* kSavedMethod = "saved";
constexpr const char* kWhy = "prepared before mask verdicts were recorded; a person should check it";

}  // namespace

void record_verdict(Project& project, const MaskVerdict& verdict) {
  project.masks().record_computed(verdict.product, verdict.method, verdict.confidence, verdict.reasons,
                                  verdict.needs_attention);
}

std::vector<UnreviewedMask> unreviewed_masks(Project& project) {
  const auto verdicts = project.masks().list();
  const auto cache = project.cache_dir();
  std::vector<UnreviewedMask> unreviewed;
  for (const auto& product : project.products().list()) {
    if (verdicts.contains(product.external_id)) continue;
    const auto mask = imaging::product_mask_path(cache, product.external_id);
    std::error_code error;
    if (!std::filesystem::is_regular_file(mask, error)) continue;
    unreviewed.push_back({product.external_id, product.image_path, mask});
  }
  return unreviewed;
}

MaskVerdict review_saved_mask(const UnreviewedMask& saved, double confidence_threshold) {
  MaskVerdict verdict{saved.product, kSavedMethod, 0, {}, true};
  try {
    const auto photo = imaging::load_image(saved.image);
    const imaging::PlainBackgroundSegmenter unused;  // segment_product reads the saved mask alone
    imaging::Segmentation segmentation = imaging::segment_product(photo, {&unused, nullptr, saved.mask});
    imaging::review_segmentation(photo.bgr, segmentation, confidence_threshold);
    verdict.confidence = segmentation.confidence;
    verdict.reasons = segmentation.reasons;
    verdict.needs_attention = segmentation.needs_attention || !segmentation.reasons.empty();
  } catch (const std::exception& error) {
    verdict.reasons.push_back(std::string("the saved mask cannot be checked: ") + error.what());
  }
  if (verdict.needs_attention) verdict.reasons.push_back(kWhy);
  return verdict;
}

size_t review_unreviewed_masks(Project& project) {
  const auto unreviewed = unreviewed_masks(project);
  if (unreviewed.empty()) return 0;
  const double threshold = load_segmenter_settings(project).confidence_threshold;
  for (const auto& saved : unreviewed) record_verdict(project, review_saved_mask(saved, threshold));
  return unreviewed.size();
}

}  // namespace backdrop
