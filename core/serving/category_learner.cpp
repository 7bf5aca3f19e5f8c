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

CategoryLearner::CategoryLearner(const exporting::CategoryBundle& category) : policy(config_of(category)) {
  bandit::apply_priors(category.priors, policy);
  ranked.resize(static_cast<std::size_t>(policy.n_arms()));
}

}  // namespace backdrop::serving
