#pragma once
// Masks saved before mask verdicts existed (projects from before schema version 3) have no verdict,
// so nothing would hold their products back, however wrong the mask. They get one the way a new
// mask does: the saved mask is checked over its photo with the review of imaging/mask_review.h
// (border contact, disconnected parts, a shadow under the product) against the project's confidence
// threshold, and the verdict is recorded with the method "saved". A mask with any sign of a wrong
// cut needs attention, with the reasons; a clean one is "auto". A saved mask that cannot be read
// needs attention too. Who made the mask cannot be known (it may have been painted), so no mask is
// recorded as hand-drawn.
//
// The Studio reviews them when it opens a project (on a worker thread); `backdrop project jobs run`
// and `backdrop push` before they plan.

#include <filesystem>
#include <string>
#include <vector>

namespace backdrop {

class Project;

// A computed verdict on one product's mask, before it is recorded.
struct MaskVerdict {
  std::string product;
  std::string method;
  double confidence = 0;
  std::vector<std::string> reasons;
  bool needs_attention = false;
};

// Records a computed verdict (MaskRepository::record_computed).
void record_verdict(Project& project, const MaskVerdict& verdict);

struct UnreviewedMask {
  std::string product;
  std::filesystem::path image;  // the product photo
  std::filesystem::path mask;   // its saved mask
};

// The products with a saved mask and no verdict.
std::vector<UnreviewedMask> unreviewed_masks(Project& project);

// The verdict on one saved mask. Never throws: an unreadable photo or mask is a verdict too.
MaskVerdict review_saved_mask(const UnreviewedMask& saved, double confidence_threshold);

// Reviews and records every unreviewed mask with the project's threshold; returns how many.
size_t review_unreviewed_masks(Project& project);

}  // namespace backdrop
