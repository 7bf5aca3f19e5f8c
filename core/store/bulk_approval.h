#pragma once
// Headless approval for catalogue-scale runs: approve every variant the automatic artifact check
// passed, optionally only below a score bar or in one category, each approval recorded in the
// review log under the reviewer's name as if a person had pressed P on it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace backdrop {

class Project;

struct BulkApprovalFilter {
  std::optional<double> max_score;      // the worst artifact score at most this; unscored ones never pass
  std::optional<std::string> category;  // only this category's products
};

// Approves the variants still in the 'generated' state (neither flagged nor reviewed) that pass the
// filter; returns their ids. Variants a person or the artifact check has decided on are left alone.
std::vector<int64_t> approve_unflagged_variants(Project& project, const BulkApprovalFilter& filter,
                                                const std::string& reviewer);

}  // namespace backdrop
