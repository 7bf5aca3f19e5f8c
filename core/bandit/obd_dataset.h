#pragma once
// Streaming import of the Open Bandit Dataset layout (Saito et al. 2021): a CSV per campaign and
// logging policy with an unnamed index column, timestamp, item_id, position, click,
// propensity_score, user_feature_*, user-item_affinity_*, and an item context file.
//
// By default the result is exactly what Open Bandit Pipeline's OpenBanditDataset builds: rows in
// obp's order (numpy's unstable sort on the timestamp), action = item_id, position = raw - 1,
// context = one-hot user features with the first level dropped in obp's column order; the
// affinities are appended as numeric features only when asked for.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/bandit/feature_schema.h"
#include "core/bandit/logged_feedback.h"
#include "core/common/cancellation.h"

namespace backdrop::bandit {

struct ObdImportOptions {
  bool with_affinities = false;
  bool obp_row_order = true;  // false: the file's order
  ProgressSink progress;      // called every few thousand rows
  CancellationToken cancel;
};

struct ObdCampaign {
  LoggedFeedback feedback;
  FeatureSchema schema;
  std::vector<int64_t> file_row_index;  // the CSV's index column of each row, in the rows' order
  std::vector<std::string> timestamp;
  std::vector<LogIssue> skipped;
};

// Throws LogError when the file cannot be read or lacks a required column; bad rows are skipped
// and listed in `skipped`.
ObdCampaign load_obd_campaign(const std::filesystem::path& csv, const ObdImportOptions& options = {});

// obp's action context: one row per item_id; item_feature_1.. label-encoded (index among the
// column's sorted distinct values), then item_feature_0 as a number.
Eigen::MatrixXd load_obd_item_context(const std::filesystem::path& csv);

}  // namespace backdrop::bandit
