#include "core/bandit/policy_factory.h"

#include <stdexcept>

#include "core/bandit/context_free_policies.h"
#include "core/bandit/lin_ts.h"
#include "core/bandit/lin_ucb.h"

namespace backdrop::bandit {

const std::vector<std::string>& policy_names() {
  static const std::vector<std::string> names{"linucb", "lints", "random", "epsilon-greedy", "bernoulli-ts"};
  return names;
}

std::unique_ptr<Policy> make_policy(const PolicySettings& s) {
  const ContextFreeConfig context_free{s.n_arms, s.batch_size, s.seed, s.epsilon};
  if (s.name == "linucb") return std::make_unique<LinUcb>(LinUcbConfig{s.dimension, s.n_arms, s.alpha, s.batch_size});
  if (s.name == "lints") return std::make_unique<LinTs>(LinTsConfig{s.dimension, s.n_arms, s.batch_size, s.seed});
  if (s.name == "random") return std::make_unique<UniformRandomPolicy>(context_free);
  if (s.name == "epsilon-greedy") return std::make_unique<EpsilonGreedyPolicy>(context_free);
  if (s.name == "bernoulli-ts") return std::make_unique<BernoulliTsPolicy>(context_free);
  std::string known;
  for (const auto& name : policy_names()) known += (known.empty() ? "" : ", ") + name;
  throw std::invalid_argument("unknown policy '" + s.name + "' (known: " + known + ")");
}

}  // namespace backdrop::bandit
