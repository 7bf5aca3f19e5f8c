#pragma once
// Products that were never prepared (no saved mask and no verdict) would otherwise reach planning
// unchecked, and the renderer would cut them on the fly with whatever it had. The rule is
// that a mask below the threshold is never generated until a person accepts or repaints it, so
// such a product is prepared here, before planning, exactly as Prepare would: segmented with the
// project's segmentation settings (project_segmentation.h), its mask saved where Prepare saves it
// (imaging::product_mask_path) and its verdict recorded. A mask that needs attention,
// a photo that cannot be read and a product no mask can be found for are recorded as needing
// attention, so planning holds them back.
//
// Why prepare rather than hold back with "not prepared yet: run Prepare": a project that was never
// prepared (the CLI's `project jobs run` on a fresh import, the Studio's Generate straight after
// import) keeps working, and gets the same masks and verdicts as Prepare gives; only the products
// whose mask is doubtful are held back, with the same reasons Prepare would list.
//
// The Studio's Generate calls this on its worker before it plans; `backdrop project jobs run` and
// `backdrop push` before they plan.

#include <cstddef>
#include <string>
#include <vector>

#include "core/common/cancellation.h"
#include "core/imaging/segmenter_settings.h"
#include "core/preparation/saved_mask_review.h"

namespace backdrop {

class Project;

// The products with a photo but neither a verdict nor a saved mask.
std::vector<std::string> unprepared_products(Project& project);

// The verdict on one photo prepared as Prepare prepares it; the mask is written to `mask_file`
// when one is found. Never throws: an unreadable photo or a product not found is a verdict too.
MaskVerdict prepare_product(const std::filesystem::path& photo, const std::filesystem::path& mask_file,
                            const std::string& product, const imaging::Segmenter* learned, double confidence_threshold);

// Prepares and records every unprepared product with the project's segmentation settings; returns
// how many. A learned model that cannot be opened leaves the classical segmenter alone (as Prepare
// does). Reports a step per product and stops between products when cancelled (throws Cancelled;
// the verdicts recorded so far are kept). Throws StoreError when the project's settings are
// malformed.
size_t prepare_unprepared_products(Project& project, const ProgressSink& progress = {},
                                   const CancellationToken& cancel = {});

}  // namespace backdrop
