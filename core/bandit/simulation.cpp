#include "core/bandit/simulation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace backdrop::bandit {

SyntheticEnvironment::SyntheticEnvironment(const SyntheticConfig& config) : config_(config) {
  if (config.n_arms <= 0 || config.n_features < 0 || config.levels <= 0) {
    throw std::invalid_argument("simulation: arms, features and levels must be positive");
  }
  if (!(config.base_ctr > 0.0 && config.base_ctr < 1.0)) throw std::invalid_argument("simulation: base CTR must be in (0, 1)");
  Random random(config.seed);
  weights_.resize(config.n_arms, dimension());
  for (Eigen::Index k = 0; k < weights_.rows(); ++k) {
    for (Eigen::Index j = 0; j < weights_.cols(); ++j) weights_(k, j) = config.effect * random.normal();
  }
  weights_.col(0).array() += std::log(config.base_ctr / (1.0 - config.base_ctr));
}

FeatureSchema SyntheticEnvironment::schema() const {
  std::vector<FeatureSpec> specs{{"bias", FeatureSource::placement, FeatureEncoding::numeric, {}, false, 0}};
  for (int f = 0; f < config_.n_features; ++f) {
    std::vector<std::string> levels;
    for (int l = 0; l < config_.levels; ++l) levels.push_back(std::to_string(l));
    specs.push_back(one_hot_feature("user_feature_" + std::to_string(f), FeatureSource::user, levels, false));
  }
  return FeatureSchema(std::move(specs));
}

void SyntheticEnvironment::sample_context(Random& random, std::span<double> context) const {
  std::fill(context.begin(), context.end(), 0.0);
  context[0] = 1.0;
  for (int f = 0; f < config_.n_features; ++f) {
    context[static_cast<std::size_t>(1 + f * config_.levels + random.below(config_.levels))] = 1.0;
  }
}

double SyntheticEnvironment::click_probability(std::span<const double> context, int arm) const {
  const Eigen::Map<const Eigen::VectorXd> x(context.data(), static_cast<Eigen::Index>(context.size()));
  return 1.0 / (1.0 + std::exp(-weights_.row(arm).dot(x)));
}

std::vector<RegretPoint> simulate(Policy& policy, const SyntheticEnvironment& environment,
                                  const SimulationOptions& options) {
  if (policy.dimension() != 0 && policy.dimension() != environment.dimension()) {
    throw std::invalid_argument("simulate: the policy expects " + std::to_string(policy.dimension()) +
                                "-dimensional contexts, the environment has " + std::to_string(environment.dimension()));
  }
  Random random(options.seed);
  std::vector<double> context(static_cast<std::size_t>(environment.dimension()));
  std::vector<RegretPoint> curve;
  RegretPoint total;
  const int64_t every = std::max<int64_t>(1, options.record_every);
  for (int64_t t = 0; t < options.rounds; ++t) {
    if (t % 1024 == 0) {
      options.cancel.throw_if_cancelled();
      if (options.progress) options.progress({t, options.rounds, "simulate"});
    }
    environment.sample_context(random, context);
    const int arm = policy.select_one(context);
    double best = 0.0;
    for (int k = 0; k < environment.n_arms(); ++k) best = std::max(best, environment.click_probability(context, k));
    const double probability = environment.click_probability(context, arm);
    const double click = random.uniform() < probability ? 1.0 : 0.0;
    policy.update(arm, click, context);
    total.round = t + 1;
    total.clicks += click;
    total.expected_clicks += probability;
    total.regret += best - probability;
    if (total.round % every == 0 || total.round == options.rounds) curve.push_back(total);
  }
  if (options.progress) options.progress({options.rounds, options.rounds, "simulate"});
  return curve;
}

}  // namespace backdrop::bandit
