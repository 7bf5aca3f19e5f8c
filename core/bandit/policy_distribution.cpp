#include "core/bandit/policy_distribution.h"

#include <vector>

namespace backdrop::bandit {
namespace {

Eigen::MatrixXd sample_distribution(Policy& policy, std::span<const double> context, int len_list, int draws) {
  Eigen::MatrixXd counts = Eigen::MatrixXd::Zero(policy.n_arms(), len_list);
  std::vector<int> ranked(static_cast<std::size_t>(len_list));
  for (int s = 0; s < draws; ++s) {
    policy.select(context, ranked);
    for (int p = 0; p < len_list; ++p) {
      if (ranked[static_cast<std::size_t>(p)] >= 0) counts(ranked[static_cast<std::size_t>(p)], p) += 1.0;
    }
  }
  return counts / static_cast<double>(draws);
}

}  // namespace

ActionDistribution policy_action_distribution(Policy& policy, const LoggedFeedback& logs, int len_list, int samples,
                                              const ProgressSink& progress, const CancellationToken& cancel) {
  const int draws = policy.deterministic() ? 1 : std::max(1, samples);
  if (policy.dimension() == 0) {
    const std::vector<double> no_context;
    return ActionDistribution::shared(sample_distribution(policy, no_context, len_list, draws));
  }
  std::vector<Eigen::MatrixXd> tables;
  tables.reserve(static_cast<std::size_t>(logs.size()));
  for (int64_t i = 0; i < logs.size(); ++i) {
    if (i % 256 == 0) {
      cancel.throw_if_cancelled();
      if (progress) progress({i, logs.size(), "evaluation policy"});
    }
    const auto x = logs.context.row(i);
    tables.push_back(sample_distribution(policy, {x.data(), static_cast<std::size_t>(x.size())}, len_list, draws));
  }
  return ActionDistribution::per_round(std::move(tables));
}

}  // namespace backdrop::bandit
