#pragma once
// Replay evaluation (Li et al. 2011) of a policy over logs from a uniform random logger: the
// policy sees every logged context in order; a round counts only when its choice equals the
// logged arm, and only then is the policy updated with the logged reward. The CTR over counted
// rounds is an unbiased estimate of the policy's online CTR.

#include <cstdint>
#include <vector>

#include "core/bandit/logged_feedback.h"
#include "core/bandit/policy.h"
#include "core/common/cancellation.h"

namespace backdrop::bandit {

enum class ReplayMode {
  all_positions_top1,   // every row is a round; the policy picks one arm
  first_position_top1,  // only rows logged at slot 0
  slate,                // the policy ranks len_list arms; a match at the logged slot counts
};

struct ReplayOptions {
  ReplayMode mode = ReplayMode::all_positions_top1;
  ProgressSink progress;
  CancellationToken cancel;
};

struct ReplayResult {
  int64_t rounds = 0;
  int64_t matched = 0;
  double clicks = 0.0;
  std::vector<double> matched_rewards;  // the reward of each matched round (for intervals)
  double ctr() const { return matched > 0 ? clicks / static_cast<double>(matched) : 0.0; }
};

ReplayResult replay(Policy& policy, const LoggedFeedback& logs, const ReplayOptions& options = {});

}  // namespace backdrop::bandit
