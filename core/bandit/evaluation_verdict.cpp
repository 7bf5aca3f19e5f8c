#include "core/bandit/evaluation_verdict.h"

#include <cmath>
#include <cstdio>
#include <numeric>
#include <vector>

#include "core/bandit/priors.h"

namespace backdrop::bandit {

const char* const kWhyEstimatorsDisagree =
    "The estimators answer the same question from the same log in different ways. Replay counts only the "
    "rounds where the policy would have shown what was shown, so it sees a small part of the log. IPW "
    "reweights every round by one over the probability it was shown; it is unbiased but noisy when those "
    "probabilities are small, and SNIPW divides by the mean weight to trade a little bias for less noise. "
    "DR starts from a model of the click rates and corrects it with the reweighted surprises, so it is right "
    "when either the model or the probabilities are, and SNDR self-normalises that correction. With a large "
    "log and known probabilities they agree; when they disagree, read the intervals, not the points.";

namespace {

LoggedFeedback rounds_of(const LoggedFeedback& logs, int64_t first, int64_t count) {
  std::vector<int64_t> rounds(static_cast<std::size_t>(count));
  std::iota(rounds.begin(), rounds.end(), first);
  return select_rounds(logs, rounds);
}

const EstimateSummary* find_estimate(const PolicyEvaluation& policy, Estimator estimator) {
  for (const auto& estimate : policy.estimates) {
    if (estimate.estimator == estimator) return &estimate;
  }
  return nullptr;
}

std::string not_enough(const HoldoutEvaluation& evaluation) {
  return "Not enough data to tell: " + std::to_string(evaluation.training_rounds + evaluation.evaluation_rounds) +
         " impressions and " + std::to_string(evaluation.clicks) + " clicks; at least " +
         std::to_string(kMinimumImpressions) + " impressions and " + std::to_string(kMinimumClicks) +
         " clicks are needed.";
}

}  // namespace

std::string percent(double rate) {
  char text[32];
  std::snprintf(text, sizeof text, std::abs(rate) < 0.01 ? "%.2f%%" : "%.1f%%", 100.0 * rate);
  return text;
}

HoldoutEvaluation evaluate_on_holdout(const LoggedFeedback& logs, const FeatureSchema& schema,
                                      const EvaluationOptions& options) {
  HoldoutEvaluation evaluation;
  evaluation.training_rounds = logs.size() / 2;
  evaluation.evaluation_rounds = logs.size() - evaluation.training_rounds;
  for (const double reward : logs.reward) evaluation.clicks += reward > 0 ? 1 : 0;
  if (evaluation.evaluation_rounds == 0) return evaluation;
  const auto training = rounds_of(logs, 0, evaluation.training_rounds);
  const auto judged = rounds_of(logs, evaluation.training_rounds, evaluation.evaluation_rounds);
  evaluation.logged_ctr = judged.mean_reward();
  evaluation.logged_interval = bootstrap_interval(judged.reward, options.bootstrap, options.alpha, options.seed);
  const auto priors = priors_from_logs(training, schema, logs.n_arms);
  std::vector<PolicySettings> candidates(2);
  candidates[0].name = "linucb";
  candidates[1].name = "random";
  evaluation.policies = evaluate_policies(judged, {}, candidates, &priors, options);
  return evaluation;
}

EvaluationVerdict evaluation_verdict(const HoldoutEvaluation& evaluation) {
  EvaluationVerdict verdict;
  verdict.enough_data = evaluation.training_rounds + evaluation.evaluation_rounds >= kMinimumImpressions &&
                        evaluation.clicks >= kMinimumClicks;
  const PolicyEvaluation* linucb = nullptr;
  for (const auto& policy : evaluation.policies) {
    if (policy.policy == "linucb") linucb = &policy;
  }
  const auto* estimate = linucb ? find_estimate(*linucb, Estimator::sndr) : nullptr;
  if (!verdict.enough_data || estimate == nullptr) {
    verdict.warning = not_enough(evaluation);
    verdict.text = verdict.warning;
    return verdict;
  }
  const auto from = percent(evaluation.logged_ctr), to = percent(estimate->value);
  auto low = percent(estimate->interval.low);
  low.pop_back();  // "6.6-7.6%": one percent sign for the range
  const auto interval = "(95% interval " + low + "-" + percent(estimate->interval.high) + ")";
  if (estimate->interval.low > evaluation.logged_ctr) {
    verdict.text = "LinUCB is expected to raise CTR from " + from + " to " + to + " " + interval + ".";
  } else if (estimate->interval.high < evaluation.logged_ctr) {
    verdict.text =
        "LinUCB is expected to lower CTR from " + from + " to " + to + " " + interval + ": keep the current policy.";
  } else {
    verdict.text =
        "Not enough data to tell: LinUCB's expected CTR " + to + " " + interval + " includes today's " + from + ".";
  }
  return verdict;
}

}  // namespace backdrop::bandit
