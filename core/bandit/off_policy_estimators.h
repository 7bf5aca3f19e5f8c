#pragma once
// Off-policy estimators of an evaluation policy's value from logged bandit feedback, as Open
// Bandit Pipeline defines them for slates (each round is one logged slot): the direct method (DM),
// inverse propensity weighting (IPW, optionally clipped), self-normalised IPW (SNIPW), doubly
// robust (DR) and self-normalised DR (SNDR); plus bootstrap confidence intervals.
//
// With w_i = pi_e(a_i, p_i) / pscore_i and q_i(k) the reward model's prediction for arm k at the
// logged slot p_i:
//   dm_i = sum_k pi_e(k, p_i) q_i(k) / sum_k pi_e(k, p_i)
//   IPW_i = r_i w_i,  SNIPW_i = r_i w_i / mean(w),  DR_i = dm_i + w_i (r_i - q_i(a_i)),
//   SNDR_i = dm_i + w_i (r_i - q_i(a_i)) / mean(w);  each estimate is the mean of its round values.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/bandit/linear_arms.h"
#include "core/bandit/logged_feedback.h"

namespace backdrop::bandit {

// pi_e(k, p) for every round (rounds x arms x slots), or one [arms x slots] table for all rounds.
class ActionDistribution {
 public:
  // The same distribution in every round.
  static ActionDistribution shared(Eigen::MatrixXd per_arm_and_slot);
  // One distribution per round; `per_round[i]` is arms x slots.
  static ActionDistribution per_round(std::vector<Eigen::MatrixXd> per_round);

  double operator()(int64_t round, int arm, int slot) const { return table(round)(arm, slot); }
  const Eigen::MatrixXd& table(int64_t round) const {
    return tables_.size() == 1 ? tables_.front() : tables_[static_cast<std::size_t>(round)];
  }
  int n_arms() const { return static_cast<int>(tables_.front().rows()); }
  int n_slots() const { return static_cast<int>(tables_.front().cols()); }

 private:
  std::vector<Eigen::MatrixXd> tables_;
};

enum class Estimator { dm, ipw, snipw, dr, sndr };
std::string to_string(Estimator estimator);
inline constexpr Estimator kAllEstimators[] = {Estimator::dm, Estimator::ipw, Estimator::snipw, Estimator::dr,
                                               Estimator::sndr};

struct OffPolicyInput {
  const LoggedFeedback* logs = nullptr;
  const ActionDistribution* evaluation = nullptr;
  // rounds x arms: predicted reward of each arm at the round's logged slot. Needed by DM, DR, SNDR.
  const RowMatrix* predicted_reward = nullptr;
  double clip = 0.0;  // IPW-type weights above this are clipped; 0 = no clipping
};

// The per-round values whose mean is the estimate. Throws std::invalid_argument on missing or
// mis-shaped inputs.
std::vector<double> round_values(Estimator estimator, const OffPolicyInput& input);
double mean(std::span<const double> values);

struct Interval {
  double low = 0.0;
  double high = 0.0;
};

// Percentile bootstrap of the mean of `values`: `resamples` resamples with replacement from a
// generator seeded with `seed`, the (alpha/2, 1 - alpha/2) quantiles.
Interval bootstrap_interval(std::span<const double> values, int resamples, double alpha, uint64_t seed);

struct EstimateSummary {
  Estimator estimator;
  double value = 0.0;
  Interval interval;
};

// Every estimator the input supports (DM/DR/SNDR need predicted rewards), with intervals.
std::vector<EstimateSummary> estimate_all(const OffPolicyInput& input, int resamples, double alpha, uint64_t seed);

}  // namespace backdrop::bandit
