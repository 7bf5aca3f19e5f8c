#pragma once
// The dashboard's offline evaluation of candidate policies (every policy core knows: LinUCB,
// LinTS, epsilon-greedy, Bernoulli TS, uniform random) on one log: an imported production click
// log, or — until one is imported — a log the simulator writes under a uniform random logger.
// The numbers come from core's evaluate_policies, the function `backdrop bandit evaluate` uses.
// Plain data and a blocking function: the panel runs it on a worker thread.

#include <QList>
#include <QString>
#include <cstdint>

#include "core/bandit/logged_feedback.h"
#include "core/common/cancellation.h"

namespace backdrop::ui {

struct EstimateWithInterval {
  double value = 0;
  double low = 0;
  double high = 0;
};

struct PolicyScores {
  QString policy;
  EstimateWithInterval replay, ipw, dr;
  int64_t matched = 0;  // rounds replay counted
};

struct PolicyEvaluationReport {
  QString source;  // what was evaluated on, in words
  int64_t rounds = 0;
  double loggedCtr = 0;
  QList<PolicyScores> policies;
  QString error;  // set when nothing could be evaluated; "cancelled" when cancelled
};

// A log of `rounds` impressions over `arms` arms from the synthetic environment the dashboard
// simulates, shown by a uniform random logger (propensity 1 / arms), as production logs look
// while the bandit explores.
bandit::LoggedFeedback simulated_uniform_log(int arms, int64_t rounds, uint64_t seed);

// `clickLog`: a Backdrop JSON-lines impression log; empty: simulated_uniform_log(arms, rounds).
// `progress` hears core's evaluation progress. Never throws: failures land in `error`.
PolicyEvaluationReport evaluate_candidate_policies(const QString& clickLog, int arms, int64_t rounds,
                                                   const ProgressSink& progress, const CancellationToken& cancel);

}  // namespace backdrop::ui
