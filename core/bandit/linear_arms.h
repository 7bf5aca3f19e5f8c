#pragma once
// Per-arm ridge regression state shared by the disjoint linear bandits (LinUCB, LinTS).
//
// Arm k keeps the inverse Gram matrix A_k^-1 (d x d, A_k = I + sum x x^T), the response vector
// b_k = sum r x and the estimate theta_k = A_k^-1 b_k. All arms' A^-1 are stacked in one row-major
// (K d) x d matrix, each arm a contiguous d x d block, so that the scoring terms of every arm are
// a single matrix-vector product (or, for sparse one-hot contexts, a handful of lookups).
//
// Updates follow Open Bandit Pipeline's batch semantics: they change a pending copy, which becomes
// the scoring copy every `batch_size` updates. A^-1 is kept current with Sherman-Morrison and never
// re-inverted.

#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

namespace backdrop::bandit {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// One arm's state, for priors files and tests.
struct LinearArmState {
  Eigen::MatrixXd a_inverse;
  Eigen::VectorXd b;
  int64_t pulls = 0;
  double reward_sum = 0.0;
};

class LinearArms {
 public:
  LinearArms(int dimension, int n_arms, int batch_size = 1);

  int dimension() const { return dimension_; }
  int n_arms() const { return n_arms_; }
  int batch_size() const { return batch_size_; }

  // Appends an arm with A^-1 = I, b = 0 and returns its index; the other arms are untouched.
  int add_arm();

  // Scoring terms of the published state for every arm: mean_k = x . theta_k and
  // width_k = x^T A_k^-1 x. Both outputs have n_arms() entries. No allocation.
  void score_terms(std::span<const double> context, std::span<double> mean, std::span<double> width) const;

  // Rank-one update of one arm's pending state; publishes every batch_size() calls.
  void update(int arm, double reward, std::span<const double> context);
  // The same with the observation counted `weight` times (pseudo-observations of a prior).
  void update_weighted(int arm, double reward, std::span<const double> context, double weight);

  // Published state (what scoring uses).
  Eigen::Map<const RowMatrix> a_inverse(int arm) const;
  Eigen::Map<const Eigen::VectorXd> theta(int arm) const;
  // Bumped whenever an arm's published state changes; caches keyed on it (LinTS's Cholesky factor).
  uint64_t revision(int arm) const { return revision_[static_cast<std::size_t>(arm)]; }

  // Pending state (what the next publication will contain), for saving priors.
  LinearArmState state(int arm) const;
  // Replaces an arm's state, published at once (other arms' pending updates stay pending). Throws std::invalid_argument on a shape mismatch.
  void set_state(int arm, const LinearArmState& state);

 private:
  void publish();
  void publish_arm(int arm);
  void check_arm(int arm) const;
  // Fills nonzero_index_/nonzero_value_ with the context's non-zeros; returns their count.
  int gather_nonzeros(std::span<const double> context) const;
  // One-hot contexts have a few non-zeros: working on those alone beats the dense products.
  bool is_sparse(int nnz) const { return 4 * nnz * nnz <= dimension_ * dimension_; }
  // Where updates go: a separate pending copy only when batches are longer than one update.
  RowMatrix& working_a_inverse() { return batch_size_ > 1 ? pending_a_inverse_ : a_inverse_; }
  const RowMatrix& working_a_inverse() const { return batch_size_ > 1 ? pending_a_inverse_ : a_inverse_; }
  RowMatrix& working_b() { return batch_size_ > 1 ? pending_b_ : b_; }
  const RowMatrix& working_b() const { return batch_size_ > 1 ? pending_b_ : b_; }

  int dimension_;
  int n_arms_;
  int batch_size_;
  int64_t n_updates_ = 0;

  RowMatrix a_inverse_;  // published, (K d) x d
  RowMatrix b_;          // published, K x d
  RowMatrix theta_;      // published, K x d
  RowMatrix pending_a_inverse_;  // batch_size > 1 only
  RowMatrix pending_b_;
  std::vector<int64_t> pulls_;
  std::vector<double> reward_sums_;
  std::vector<bool> dirty_;
  std::vector<uint64_t> revision_;

  // Scratch buffers, sized once, so that scoring and updates never allocate.
  mutable Eigen::VectorXd stacked_product_;
  Eigen::VectorXd update_direction_;
  mutable std::vector<int> nonzero_index_;
  mutable std::vector<double> nonzero_value_;
};

}  // namespace backdrop::bandit
