#include "core/preparation/prepared_masks.h"

#include <set>

#include "core/imaging/product_segmentation.h"
#include "core/imaging/segmentation.h"
#include "core/preparation/saved_mask_review.h"
#include "core/store/project.h"

namespace backdrop {

size_t record_prepared_masks(Project& project, const imaging::PrepareSummary& summary) {
  std::set<std::string> in_project;
  for (const auto& product : project.products().list()) in_project.insert(product.external_id);
  const auto cache = project.cache_dir();
  size_t recorded = 0;
  for (const auto& outcome : summary.products) {
    if (!outcome.ok || outcome.mask_file.empty() || !in_project.contains(outcome.id)) continue;
    const auto target = imaging::product_mask_path(cache, outcome.id);
    std::filesystem::create_directories(target.parent_path());
    std::filesystem::copy_file(outcome.mask_file, target, std::filesystem::copy_options::overwrite_existing);
    record_verdict(project, {outcome.id, imaging::method_name(outcome.method), outcome.confidence, outcome.reasons,
                             outcome.needs_attention});
    ++recorded;
  }
  return recorded;
}

}  // namespace backdrop
