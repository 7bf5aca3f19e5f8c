#include "core/store/bulk_approval.h"

#include <map>

#include "core/store/project.h"

namespace backdrop {
namespace {

bool passes(const StoredVariant& variant, const BulkApprovalFilter& filter,
            const std::map<std::string, std::string>& category_of) {
  if (variant.status != VariantStatus::generated) return false;
  if (filter.category) {
    const auto found = category_of.find(variant.product_external_id);
    if (found == category_of.end() || found->second != *filter.category) return false;
  }
  if (filter.max_score) {
    const auto score = variant.worst_artifact_score();
    if (!score || *score > *filter.max_score) return false;
  }
  return true;
}

}  // namespace

std::vector<int64_t> approve_unflagged_variants(Project& project, const BulkApprovalFilter& filter,
                                                const std::string& reviewer) {
  std::map<std::string, std::string> category_of;
  for (const auto& product : project.products().list()) category_of[product.external_id] = product.category;
  auto variants = project.variants();
  std::vector<int64_t> approved;
  for (const auto& variant : variants.list()) {
    if (!passes(variant, filter, category_of)) continue;
    ReviewChange approve;
    approve.reviewer = reviewer;
    approve.action = "approve";
    approve.status = VariantStatus::approved;
    variants.review(variant.id, approve);
    approved.push_back(variant.id);
  }
  return approved;
}

}  // namespace backdrop
