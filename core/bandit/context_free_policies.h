#pragma once
// Context-free baselines: uniform random, epsilon-greedy and Bernoulli Thompson sampling. They
// ignore the context and keep per-arm click counts, published every batch_size updates like the
// linear policies (Open Bandit Pipeline's semantics).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/bandit/policy.h"
#include "core/bandit/random.h"

namespace backdrop::bandit {

// Pulls and reward sums per arm, with a pending copy published every batch_size updates.
class BatchedArmCounts {
 public:
  explicit BatchedArmCounts(int batch_size);
  void add_arm();
  void update(int arm, double reward);
  const std::vector<double>& pulls() const { return pulls_; }
  const std::vector<double>& rewards() const { return rewards_; }

 private:
  int batch_size_;
  int64_t n_updates_ = 0;
  std::vector<double> pulls_, rewards_, pending_pulls_, pending_rewards_;
};

struct ContextFreeConfig {
  int n_arms = 0;
  int batch_size = 1;
  uint64_t seed = 0;
  double epsilon = 0.1;  // epsilon-greedy: exploration probability
};

class UniformRandomPolicy final : public Policy {
 public:
  explicit UniformRandomPolicy(const ContextFreeConfig& config);
  std::string name() const override { return "random"; }
  bool deterministic() const override { return false; }
  void select(std::span<const double> context, std::span<int> ranked) override;
  void update(int, double, std::span<const double>) override {}
  int add_arm() override;

 private:
  Random random_;
  std::vector<int> candidates_;
};

// obp's EpsilonGreedy: explores with probability epsilon, and always until every active arm has
// been updated once; otherwise ranks the empirical CTRs.
class EpsilonGreedyPolicy final : public Policy {
 public:
  explicit EpsilonGreedyPolicy(const ContextFreeConfig& config);
  std::string name() const override { return "epsilon-greedy"; }
  bool deterministic() const override { return false; }
  void select(std::span<const double> context, std::span<int> ranked) override;
  void update(int arm, double reward, std::span<const double> context) override;
  int add_arm() override;

 private:
  double epsilon_;
  Random random_;
  BatchedArmCounts counts_;
  std::vector<int> candidates_;
  std::vector<double> scores_;
};

// Bernoulli Thompson sampling with a Beta(alpha_k, beta_k) prior per arm (1, 1 unless set).
class BernoulliTsPolicy final : public Policy {
 public:
  explicit BernoulliTsPolicy(const ContextFreeConfig& config);
  std::string name() const override { return "bernoulli-ts"; }
  bool deterministic() const override { return false; }
  void select(std::span<const double> context, std::span<int> ranked) override;
  void update(int arm, double reward, std::span<const double> context) override;
  int add_arm() override;

  void set_prior(int arm, double alpha, double beta);
  double prior_alpha(int arm) const { return alpha_[static_cast<std::size_t>(arm)]; }
  double prior_beta(int arm) const { return beta_[static_cast<std::size_t>(arm)]; }
  const BatchedArmCounts& counts() const { return counts_; }

 private:
  Random random_;
  BatchedArmCounts counts_;
  std::vector<double> alpha_, beta_, scores_;
};

}  // namespace backdrop::bandit
