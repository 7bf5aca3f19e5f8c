#pragma once
// Linear Thompson sampling (Agrawal and Goyal 2013) on the same per-arm ridge state as LinUCB:
// each select draws theta_k ~ N(A_k^-1 b_k, A_k^-1) per arm and ranks by x . theta_k.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/bandit/linear_arms.h"
#include "core/bandit/policy.h"
#include "core/bandit/random.h"

namespace backdrop::bandit {

struct LinTsConfig {
  int dimension = 0;
  int n_arms = 0;
  int batch_size = 1;
  uint64_t seed = 0;
};

class LinTs final : public Policy {
 public:
  explicit LinTs(const LinTsConfig& config);

  std::string name() const override { return "lints"; }
  int dimension() const override { return arms_.dimension(); }
  bool deterministic() const override { return false; }
  void select(std::span<const double> context, std::span<int> ranked) override;
  void update(int arm, double reward, std::span<const double> context) override;
  int add_arm() override;

  LinearArms& arms() { return arms_; }
  const LinearArms& arms() const { return arms_; }

 private:
  // Lower Cholesky factor of arm k's published A^-1, refreshed when its revision changes.
  const Eigen::MatrixXd& covariance_factor(int arm);

  LinearArms arms_;
  Random random_;
  std::vector<Eigen::MatrixXd> factors_;
  std::vector<uint64_t> factor_revisions_;
  Eigen::VectorXd noise_;
  Eigen::VectorXd sample_;
  std::vector<double> scores_;
};

}  // namespace backdrop::bandit
