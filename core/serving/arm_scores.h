#pragma once
// The LinUCB scoring state of one category as decisions read it: an immutable copy of every arm's
// published A^-1 and theta, shared by all request threads through an atomic shared pointer (see
// category_learner.h), so that scoring never takes a lock and never waits for feedback.
//
// The arithmetic is bandit::LinearArms::score_terms' and LinUcb::select's, term for term and in
// the same order (sparse contexts through the non-zeros, dense ones through Eigen's row-major
// matrix-vector product), so the scores are the same bits and rank_top_k ranks them the same way;
// a test holds the two to exact equality. Only the scratch differs: LinearArms keeps it in
// members, which rules out concurrent scoring; here each thread brings its own.

#include <memory>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "core/bandit/lin_ucb.h"

namespace backdrop::serving {

// Per-thread buffers, sized on first use, so that scoring allocates nothing afterwards.
struct ScoringScratch {
  std::vector<int> nonzero_index;
  std::vector<double> nonzero_value;
  std::vector<double> scores;
  Eigen::VectorXd means;
  Eigen::VectorXd product;
};

class ArmScores {
 public:
  // A copy of `policy`'s published state.
  explicit ArmScores(const bandit::LinUcb& policy);
  // `previous` with arm `arm` replaced by `policy`'s published state of it; the other arms' A^-1
  // are shared, so that publishing after one update copies one d x d block and one theta row.
  ArmScores(const ArmScores& previous, const bandit::LinUcb& policy, int arm);

  int dimension() const { return dimension_; }
  int n_arms() const { return static_cast<int>(a_inverse_.size()); }

  // Every active arm, best UCB score first (LinUcb::select's ranking); `ranked` has n_arms()
  // entries. Throws std::invalid_argument when the context's size is not dimension().
  void rank(std::span<const double> context, std::span<int> ranked, ScoringScratch& scratch) const;
  // The UCB score of every arm, s_k = x . theta_k + alpha sqrt(max(0, x^T A_k^-1 x)).
  void scores(std::span<const double> context, std::span<double> out, ScoringScratch& scratch) const;

 private:
  // Arm `arm`'s published A^-1, d x d row-major.
  static std::shared_ptr<const bandit::RowMatrix> copy_a_inverse(const bandit::LinUcb& policy, int arm);
  void copy_theta(const bandit::LinUcb& policy);

  int dimension_;
  double alpha_;
  double tie_tolerance_;
  std::vector<unsigned char> active_;
  std::vector<std::shared_ptr<const bandit::RowMatrix>> a_inverse_;
  bandit::RowMatrix theta_;  // K x d, row k = theta_k
};

}  // namespace backdrop::serving
