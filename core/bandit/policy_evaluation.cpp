#include "core/bandit/policy_evaluation.h"

#include <algorithm>
#include <memory>

#include "core/bandit/policy_distribution.h"
#include "core/bandit/reward_model.h"

namespace backdrop::bandit {
namespace {

std::unique_ptr<Policy> build_policy(PolicySettings settings, const LoggedFeedback& logs, const BanditPriors* priors) {
  settings.dimension = logs.dimension();
  settings.n_arms = logs.n_arms;
  auto policy = make_policy(settings);
  if (priors != nullptr) apply_priors(*priors, *policy);
  return policy;
}

ReplayEstimate replay_with_interval(const PolicySettings& settings, ReplayMode mode, const LoggedFeedback& logs,
                                    const BanditPriors* priors, const EvaluationOptions& options) {
  auto learner = build_policy(settings, logs, priors);
  ReplayOptions replay_options;
  replay_options.mode = mode;
  replay_options.progress = options.progress;
  replay_options.cancel = options.cancel;
  ReplayEstimate estimate{mode, replay(*learner, logs, replay_options), {}};
  if (!estimate.result.matched_rewards.empty()) {
    estimate.interval = bootstrap_interval(estimate.result.matched_rewards, options.bootstrap, options.alpha, options.seed);
  }
  return estimate;
}

}  // namespace

std::string to_string(ReplayMode mode) {
  switch (mode) {
    case ReplayMode::first_position_top1: return "first_position_top1";
    case ReplayMode::slate: return "slate";
    default: return "all_positions_top1";
  }
}

bool is_contextual(const PolicySettings& settings) {
  auto probe = settings;
  probe.dimension = 1;
  probe.n_arms = 1;
  return make_policy(probe)->dimension() != 0;
}

std::vector<PolicyEvaluation> evaluate_policies(const LoggedFeedback& logs, const Eigen::MatrixXd& action_context,
                                                std::span<const PolicySettings> candidates,
                                                const BanditPriors* priors, const EvaluationOptions& options) {
  RewardModelConfig model;
  model.seed = options.seed;
  const RowMatrix predicted = cross_fitted_rewards(logs, action_context, model);
  std::vector<PolicyEvaluation> evaluations;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const PolicySettings& settings = candidates[i];
    options.cancel.throw_if_cancelled();
    if (options.progress) {
      options.progress({static_cast<int64_t>(i), static_cast<int64_t>(candidates.size()), "policy " + settings.name});
    }
    // Off-policy estimates of the policy as it stands (priors, no learning), then replay with learning.
    auto fixed = build_policy(settings, logs, priors);
    const int draws = is_contextual(settings) ? std::min(options.samples, kMaxDrawsPerRound) : options.samples;
    const auto distribution =
        policy_action_distribution(*fixed, logs, logs.len_list, draws, options.progress, options.cancel);
    const OffPolicyInput input{&logs, &distribution, &predicted, options.clip};
    PolicyEvaluation evaluation{fixed->name(), estimate_all(input, options.bootstrap, options.alpha, options.seed), {}};
    for (const ReplayMode mode : options.replay_modes) {
      evaluation.replays.push_back(replay_with_interval(settings, mode, logs, priors, options));
    }
    evaluations.push_back(std::move(evaluation));
  }
  return evaluations;
}

}  // namespace backdrop::bandit
