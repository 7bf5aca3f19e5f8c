#pragma once
// A synthetic environment with known per-context click probabilities, to watch a policy learn:
// contexts are a bias column plus one-hot categorical user features drawn uniformly; arm k clicks
// with probability sigmoid(logit(base_ctr) + x . w_k), w_k drawn once from N(0, effect^2). Regret
// is measured against the best arm's true probability in each round.

#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "core/bandit/feature_schema.h"
#include "core/bandit/linear_arms.h"
#include "core/bandit/policy.h"
#include "core/bandit/random.h"
#include "core/common/cancellation.h"

namespace backdrop::bandit {

struct SyntheticConfig {
  int n_arms = 10;
  int n_features = 4;  // categorical user features
  int levels = 3;      // values per feature
  double base_ctr = 0.05;
  double effect = 1.0;
  uint64_t seed = 0;
};

class SyntheticEnvironment {
 public:
  explicit SyntheticEnvironment(const SyntheticConfig& config);

  int n_arms() const { return config_.n_arms; }
  int dimension() const { return 1 + config_.n_features * config_.levels; }
  FeatureSchema schema() const;
  void sample_context(Random& random, std::span<double> context) const;
  double click_probability(std::span<const double> context, int arm) const;

 private:
  SyntheticConfig config_;
  RowMatrix weights_;  // arms x dimension
};

struct RegretPoint {
  int64_t round = 0;             // rounds played so far
  double clicks = 0.0;           // cumulative sampled clicks
  double expected_clicks = 0.0;  // cumulative true probability of the chosen arms
  double regret = 0.0;           // cumulative (best probability - chosen probability)
};

struct SimulationOptions {
  int64_t rounds = 10000;
  int64_t record_every = 100;
  uint64_t seed = 1;
  ProgressSink progress;
  CancellationToken cancel;
};

// Plays `rounds` rounds (select one arm, draw the click, update) and returns the regret curve.
std::vector<RegretPoint> simulate(Policy& policy, const SyntheticEnvironment& environment,
                                  const SimulationOptions& options);

}  // namespace backdrop::bandit
