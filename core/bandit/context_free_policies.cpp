#include "core/bandit/context_free_policies.h"

#include <stdexcept>
#include <string>
#include <utility>

#include "core/bandit/ranking.h"

namespace backdrop::bandit {
namespace {

// Partial Fisher-Yates over the active arms: a uniformly random slate without repetition.
void random_slate(std::span<const unsigned char> active, Random& random, std::vector<int>& candidates,
                  std::span<int> ranked) {
  candidates.clear();
  for (std::size_t k = 0; k < active.size(); ++k) {
    if (active[k]) candidates.push_back(static_cast<int>(k));
  }
  const int n = static_cast<int>(candidates.size());
  for (std::size_t slot = 0; slot < ranked.size(); ++slot) {
    const int i = static_cast<int>(slot);
    if (i >= n) {
      ranked[slot] = -1;
      continue;
    }
    const int j = i + random.below(n - i);
    std::swap(candidates[static_cast<std::size_t>(i)], candidates[static_cast<std::size_t>(j)]);
    ranked[slot] = candidates[static_cast<std::size_t>(i)];
  }
}

void check_batch_size(int batch_size) {
  if (batch_size <= 0) throw std::invalid_argument("batch_size must be positive, got " + std::to_string(batch_size));
}

}  // namespace

BatchedArmCounts::BatchedArmCounts(int batch_size) : batch_size_(batch_size) { check_batch_size(batch_size); }

void BatchedArmCounts::add_arm() {
  for (auto* counts : {&pulls_, &rewards_, &pending_pulls_, &pending_rewards_}) counts->push_back(0.0);
}

void BatchedArmCounts::update(int arm, double reward) {
  pending_pulls_[static_cast<std::size_t>(arm)] += 1.0;
  pending_rewards_[static_cast<std::size_t>(arm)] += reward;
  if (++n_updates_ % batch_size_ == 0) {
    pulls_ = pending_pulls_;
    rewards_ = pending_rewards_;
  }
}

UniformRandomPolicy::UniformRandomPolicy(const ContextFreeConfig& config) : random_(config.seed) {
  for (int k = 0; k < config.n_arms; ++k) add_arm();
}

int UniformRandomPolicy::add_arm() {
  track_new_arm();
  candidates_.reserve(static_cast<std::size_t>(n_arms()));
  return n_arms() - 1;
}

void UniformRandomPolicy::select(std::span<const double>, std::span<int> ranked) {
  random_slate(active_mask(), random_, candidates_, ranked);
}

EpsilonGreedyPolicy::EpsilonGreedyPolicy(const ContextFreeConfig& config)
    : epsilon_(config.epsilon), random_(config.seed), counts_(config.batch_size) {
  if (!(epsilon_ >= 0.0 && epsilon_ <= 1.0)) throw std::invalid_argument("epsilon-greedy: epsilon must be in [0, 1]");
  for (int k = 0; k < config.n_arms; ++k) add_arm();
}

int EpsilonGreedyPolicy::add_arm() {
  track_new_arm();
  counts_.add_arm();
  scores_.push_back(0.0);
  candidates_.reserve(static_cast<std::size_t>(n_arms()));
  return n_arms() - 1;
}

void EpsilonGreedyPolicy::select(std::span<const double>, std::span<int> ranked) {
  const auto mask = active_mask();
  bool every_arm_tried = true;
  for (std::size_t k = 0; k < mask.size(); ++k) {
    if (!mask[k]) continue;
    const double pulls = counts_.pulls()[k];
    every_arm_tried = every_arm_tried && pulls > 0.0;
    scores_[k] = pulls > 0.0 ? counts_.rewards()[k] / pulls : 0.0;
  }
  if (random_.uniform() >= epsilon_ && every_arm_tried) {
    rank_top_k(scores_, mask, ranked);
  } else {
    random_slate(mask, random_, candidates_, ranked);
  }
}

void EpsilonGreedyPolicy::update(int arm, double reward, std::span<const double>) {
  check_arm(arm);
  counts_.update(arm, reward);
}

BernoulliTsPolicy::BernoulliTsPolicy(const ContextFreeConfig& config) : random_(config.seed), counts_(config.batch_size) {
  for (int k = 0; k < config.n_arms; ++k) add_arm();
}

int BernoulliTsPolicy::add_arm() {
  track_new_arm();
  counts_.add_arm();
  alpha_.push_back(1.0);
  beta_.push_back(1.0);
  scores_.push_back(0.0);
  return n_arms() - 1;
}

void BernoulliTsPolicy::set_prior(int arm, double alpha, double beta) {
  check_arm(arm);
  if (!(alpha > 0.0 && beta > 0.0)) {
    throw std::invalid_argument("bernoulli-ts: arm " + std::to_string(arm) + " needs a Beta prior with alpha, beta > 0");
  }
  alpha_[static_cast<std::size_t>(arm)] = alpha;
  beta_[static_cast<std::size_t>(arm)] = beta;
}

void BernoulliTsPolicy::select(std::span<const double>, std::span<int> ranked) {
  const auto mask = active_mask();
  for (std::size_t k = 0; k < mask.size(); ++k) {
    if (!mask[k]) continue;
    const double clicks = counts_.rewards()[k];
    const double misses = counts_.pulls()[k] - clicks;
    scores_[k] = random_.beta(alpha_[k] + clicks, beta_[k] + misses);
  }
  rank_top_k(scores_, mask, ranked);
}

void BernoulliTsPolicy::update(int arm, double reward, std::span<const double>) {
  check_arm(arm);
  counts_.update(arm, reward);
}

}  // namespace backdrop::bandit
