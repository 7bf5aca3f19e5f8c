#include "core/bandit/off_policy_estimators.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/bandit/random.h"

namespace backdrop::bandit {
namespace {

bool needs_reward_model(Estimator estimator) {
  return estimator == Estimator::dm || estimator == Estimator::dr || estimator == Estimator::sndr;
}

void check_input(Estimator estimator, const OffPolicyInput& input) {
  if (!input.logs || !input.evaluation) throw std::invalid_argument("off-policy estimate: logs and evaluation policy needed");
  const auto& logs = *input.logs;
  if (input.evaluation->n_arms() < logs.n_arms || input.evaluation->n_slots() < logs.len_list) {
    throw std::invalid_argument("off-policy estimate: the evaluation distribution covers " +
                                std::to_string(input.evaluation->n_arms()) + " arms x " +
                                std::to_string(input.evaluation->n_slots()) + " slots, the logs need " +
                                std::to_string(logs.n_arms) + " x " + std::to_string(logs.len_list));
  }
  if (needs_reward_model(estimator)) {
    if (!input.predicted_reward) throw std::invalid_argument(to_string(estimator) + " needs a reward model's predictions");
    if (input.predicted_reward->rows() != logs.size() || input.predicted_reward->cols() < logs.n_arms) {
      throw std::invalid_argument("off-policy estimate: predicted rewards are " +
                                  std::to_string(input.predicted_reward->rows()) + " x " +
                                  std::to_string(input.predicted_reward->cols()) + ", expected " +
                                  std::to_string(logs.size()) + " x " + std::to_string(logs.n_arms));
    }
  }
}

std::vector<double> importance_weights(const OffPolicyInput& input) {
  const auto& logs = *input.logs;
  std::vector<double> weights(static_cast<std::size_t>(logs.size()));
  for (int64_t i = 0; i < logs.size(); ++i) {
    const auto r = static_cast<std::size_t>(i);
    double w = (*input.evaluation)(i, logs.action[r], logs.position[r]) / logs.pscore[r];
    if (input.clip > 0.0) w = std::min(w, input.clip);
    weights[r] = w;
  }
  return weights;
}

// sum_k pi_e(k, p_i) q_i(k) / sum_k pi_e(k, p_i): np.average over the arms at the logged slot.
double direct_method_term(const OffPolicyInput& input, int64_t i) {
  const auto& table = input.evaluation->table(i);
  const int slot = input.logs->position[static_cast<std::size_t>(i)];
  double weighted = 0.0, mass = 0.0;
  for (int k = 0; k < input.logs->n_arms; ++k) {
    weighted += table(k, slot) * (*input.predicted_reward)(i, k);
    mass += table(k, slot);
  }
  return weighted / mass;
}

}  // namespace

ActionDistribution ActionDistribution::shared(Eigen::MatrixXd per_arm_and_slot) {
  ActionDistribution distribution;
  distribution.tables_.push_back(std::move(per_arm_and_slot));
  return distribution;
}

ActionDistribution ActionDistribution::per_round(std::vector<Eigen::MatrixXd> per_round) {
  if (per_round.empty()) throw std::invalid_argument("action distribution: no rounds");
  ActionDistribution distribution;
  distribution.tables_ = std::move(per_round);
  return distribution;
}

std::string to_string(Estimator estimator) {
  switch (estimator) {
    case Estimator::dm: return "dm";
    case Estimator::ipw: return "ipw";
    case Estimator::snipw: return "snipw";
    case Estimator::dr: return "dr";
    case Estimator::sndr: return "sndr";
  }
  return "?";
}

std::vector<double> round_values(Estimator estimator, const OffPolicyInput& input) {
  check_input(estimator, input);
  const auto& logs = *input.logs;
  const auto weights = importance_weights(input);
  const double mean_weight = mean(weights);
  std::vector<double> values(weights.size());
  for (int64_t i = 0; i < logs.size(); ++i) {
    const auto r = static_cast<std::size_t>(i);
    const double reward = logs.reward[r];
    switch (estimator) {
      case Estimator::ipw: values[r] = reward * weights[r]; break;
      case Estimator::snipw: values[r] = reward * weights[r] / mean_weight; break;
      case Estimator::dm: values[r] = direct_method_term(input, i); break;
      case Estimator::dr:
      case Estimator::sndr: {
        const double residual = reward - (*input.predicted_reward)(i, logs.action[r]);
        const double correction = weights[r] * residual;
        values[r] = direct_method_term(input, i) + (estimator == Estimator::dr ? correction : correction / mean_weight);
        break;
      }
    }
  }
  return values;
}

double mean(std::span<const double> values) {
  double sum = 0.0;
  for (const double v : values) sum += v;
  return values.empty() ? 0.0 : sum / static_cast<double>(values.size());
}

Interval bootstrap_interval(std::span<const double> values, int resamples, double alpha, uint64_t seed) {
  if (values.empty() || resamples <= 0) return {};
  Random random(seed);
  const int n = static_cast<int>(values.size());
  std::vector<double> means(static_cast<std::size_t>(resamples));
  for (auto& m : means) {
    double sum = 0.0;
    for (int i = 0; i < n; ++i) sum += values[static_cast<std::size_t>(random.below(n))];
    m = sum / n;
  }
  std::sort(means.begin(), means.end());
  // Linear interpolation between order statistics (numpy.percentile's default).
  const auto quantile = [&](double q) {
    const double position = q * (resamples - 1);
    const auto below = static_cast<std::size_t>(std::floor(position));
    const auto above = std::min(below + 1, means.size() - 1);
    return means[below] + (position - std::floor(position)) * (means[above] - means[below]);
  };
  return {quantile(alpha / 2.0), quantile(1.0 - alpha / 2.0)};
}

std::vector<EstimateSummary> estimate_all(const OffPolicyInput& input, int resamples, double alpha, uint64_t seed) {
  std::vector<EstimateSummary> summaries;
  for (const auto estimator : kAllEstimators) {
    if (needs_reward_model(estimator) && !input.predicted_reward) continue;
    const auto values = round_values(estimator, input);
    summaries.push_back({estimator, mean(values), bootstrap_interval(values, resamples, alpha, seed)});
  }
  return summaries;
}

}  // namespace backdrop::bandit
