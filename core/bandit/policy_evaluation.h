#pragma once
// Offline evaluation of candidate policies on one log, as `backdrop bandit evaluate` and the
// studio's bandit dashboard do it: each policy's off-policy estimates (DM, IPW, SNIPW, DR, SNDR,
// with percentile bootstrap intervals) as it starts (priors applied, no learning), and replay with
// learning, with a bootstrap interval over the rounds it counted. The reward model behind DM and
// DR is cross-fitted once per log and shared by every candidate.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/bandit/logged_feedback.h"
#include "core/bandit/off_policy_estimators.h"
#include "core/bandit/policy_factory.h"
#include "core/bandit/priors.h"
#include "core/bandit/replay.h"
#include "core/common/cancellation.h"

namespace backdrop::bandit {

// "all_positions_top1", "first_position_top1", "slate".
std::string to_string(ReplayMode mode);

struct EvaluationOptions {
  double clip = 0.0;    // IPW-type weights above this are clipped; 0 = no clipping
  int bootstrap = 200;  // resamples for every interval
  double alpha = 0.05;  // intervals cover 1 - alpha
  // Monte Carlo draws for a stochastic policy's action distribution; contextual policies get at
  // most kMaxDrawsPerRound per round (they need a table per round).
  int samples = 10000;
  uint64_t seed = 0;  // reward model folds and bootstrap resamples
  std::vector<ReplayMode> replay_modes{ReplayMode::all_positions_top1, ReplayMode::slate};
  ProgressSink progress;
  CancellationToken cancel;
};

inline constexpr int kMaxDrawsPerRound = 100;

struct ReplayEstimate {
  ReplayMode mode = ReplayMode::all_positions_top1;
  ReplayResult result;
  Interval interval;  // bootstrap over the matched rounds' rewards
};

struct PolicyEvaluation {
  std::string policy;  // the policy's own name
  std::vector<EstimateSummary> estimates;
  std::vector<ReplayEstimate> replays;
};

// Whether the named policy reads contexts (so priors must share the log's feature schema).
bool is_contextual(const PolicySettings& settings);

// `candidates` need only their names and parameters: dimension and arms come from the log.
// `action_context` (arms x m) are arm features for the reward model; empty: one-hot arm ids.
// `priors`, when given, start every candidate. `options.progress` hears "policy <name>" (k of n
// candidates) before each, then the rounds of its action distribution and replays. Throws
// Cancelled when `options.cancel` fires.
std::vector<PolicyEvaluation> evaluate_policies(const LoggedFeedback& logs, const Eigen::MatrixXd& action_context,
                                                std::span<const PolicySettings> candidates,
                                                const BanditPriors* priors, const EvaluationOptions& options);

}  // namespace backdrop::bandit
