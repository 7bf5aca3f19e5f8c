#pragma once
// The answer a merchandiser needs from an offline evaluation: would LinUCB raise the CTR of what
// production shows today, by how much, and is there enough data to tell.
//
// LinUCB is fitted on the log's first half (its priors) and judged on the second half, with every
// estimator, against the logging policy's CTR on that half; fitting and judging on the same rounds
// would flatter it. The verdict reads the self-normalised doubly robust estimate (SNDR), the one
// that stays honest both when the reward model is wrong and when some propensities are small.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bandit/feature_schema.h"
#include "core/bandit/logged_feedback.h"
#include "core/bandit/policy_evaluation.h"

namespace backdrop::bandit {

// Below either, the verdict is "not enough data to tell" whatever the intervals say.
inline constexpr int64_t kMinimumImpressions = 1000;
inline constexpr int64_t kMinimumClicks = 30;

// Why replay, IPW, SNIPW, DR and SNDR can give different numbers, in a few plain sentences.
extern const char* const kWhyEstimatorsDisagree;

struct HoldoutEvaluation {
  int64_t training_rounds = 0;             // the first half: LinUCB's priors
  int64_t evaluation_rounds = 0;           // the second half: every estimate
  int64_t clicks = 0;                      // in the whole log
  double logged_ctr = 0.0;                 // the logging policy on the second half
  Interval logged_interval;                // bootstrap 95%
  std::vector<PolicyEvaluation> policies;  // "linucb" and "random"
};

// `schema` encodes the log's contexts. Throws Cancelled when options.cancel fires.
HoldoutEvaluation evaluate_on_holdout(const LoggedFeedback& logs, const FeatureSchema& schema,
                                      const EvaluationOptions& options);

struct EvaluationVerdict {
  bool enough_data = false;
  std::string warning;  // the minimum-data warning; empty when there is enough
  // "LinUCB is expected to raise CTR from 6.3% to 7.1% (95% interval 6.6-7.6%)", "... lower ...",
  // or "Not enough data to tell: ..."
  std::string text;
};

EvaluationVerdict evaluation_verdict(const HoldoutEvaluation& evaluation);

// "6.3%" (two decimals below 1%, where one would round most CTRs away).
std::string percent(double rate);

}  // namespace backdrop::bandit
