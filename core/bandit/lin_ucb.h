#pragma once
// Disjoint LinUCB (Li et al. 2010) with Open Bandit Pipeline's semantics: ridge 1 per arm, score
// s_k = x . theta_k + alpha * sqrt(x^T A_k^-1 x) (obp calls alpha `epsilon`), the top scores win
// with the portable tie rule of ranking.h, and updates are published every batch_size updates.

#include <span>
#include <string>
#include <vector>

#include "core/bandit/linear_arms.h"
#include "core/bandit/policy.h"
#include "core/bandit/ranking.h"

namespace backdrop::bandit {

struct LinUcbConfig {
  int dimension = 0;
  int n_arms = 0;
  double alpha = 1.0;  // UCB width
  int batch_size = 1;
  double tie_tolerance = kDefaultTieTolerance;
};

class LinUcb final : public Policy {
 public:
  explicit LinUcb(const LinUcbConfig& config);

  std::string name() const override { return "linucb"; }
  int dimension() const override { return arms_.dimension(); }
  bool deterministic() const override { return true; }
  void select(std::span<const double> context, std::span<int> ranked) override;
  void update(int arm, double reward, std::span<const double> context) override;
  int add_arm() override;

  // The UCB scores of the last select() call, one per arm slot.
  std::span<const double> last_scores() const { return scores_; }
  const LinUcbConfig& config() const { return config_; }
  LinearArms& arms() { return arms_; }
  const LinearArms& arms() const { return arms_; }

 private:
  void resize_scratch();

  LinUcbConfig config_;
  LinearArms arms_;
  std::vector<double> mean_;
  std::vector<double> width_;
  std::vector<double> scores_;
};

}  // namespace backdrop::bandit
