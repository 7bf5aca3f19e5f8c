#include "core/serving/category_learner.h"

#include "core/bandit/priors.h"

namespace backdrop::serving {
namespace {

bandit::LinUcbConfig config_of(const exporting::CategoryBundle& category) {
  bandit::LinUcbConfig config;
  config.dimension = category.priors.schema.dimension();
  config.n_arms = 0;  // apply_priors adds them
  config.alpha = category.policy.alpha;
  return config;
}

}  // namespace

CategoryLearner::CategoryLearner(const exporting::CategoryBundle& category) : policy_(config_of(category)) {
  bandit::apply_priors(category.priors, policy_);
  published_.store(std::make_shared<const ArmScores>(policy_));
}

void CategoryLearner::learn(int arm, double reward, std::span<const double> context) {
  std::lock_guard lock(mutex_);
  policy_.update(arm, reward, context);
  // Only this learner's mutex holders publish, so the state loaded here is the latest one.
  published_.store(std::make_shared<const ArmScores>(*published_.load(), policy_, arm), std::memory_order_release);
}

}  // namespace backdrop::serving
