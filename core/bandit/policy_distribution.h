#pragma once
// The action distribution pi_e(k, p) of a policy, as off-policy estimators need it: for a
// deterministic policy the ranking it produces for each round's context; for a stochastic one the
// share of `samples` draws that put arm k at slot p (Monte Carlo, like obp's
// compute_batch_action_dist). The policy is not updated.

#include <cstdint>

#include "core/bandit/logged_feedback.h"
#include "core/bandit/off_policy_estimators.h"
#include "core/bandit/policy.h"
#include "core/common/cancellation.h"

namespace backdrop::bandit {

// Context-free policies give one shared table; contextual ones one table per logged round.
ActionDistribution policy_action_distribution(Policy& policy, const LoggedFeedback& logs, int len_list, int samples,
                                              const ProgressSink& progress = {}, const CancellationToken& cancel = {});

}  // namespace backdrop::bandit
