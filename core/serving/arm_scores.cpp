#include "core/serving/arm_scores.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/bandit/ranking.h"

namespace backdrop::serving {
namespace {

std::vector<unsigned char> active_mask_of(const bandit::Policy& policy) {
  std::vector<unsigned char> active(static_cast<std::size_t>(policy.n_arms()));
  for (int k = 0; k < policy.n_arms(); ++k) active[static_cast<std::size_t>(k)] = policy.arm_active(k) ? 1 : 0;
  return active;
}

}  // namespace

ArmScores::ArmScores(const bandit::LinUcb& policy)
    : dimension_(policy.dimension()),
      alpha_(policy.config().alpha),
      tie_tolerance_(policy.config().tie_tolerance),
      active_(active_mask_of(policy)) {
  for (int k = 0; k < policy.n_arms(); ++k) a_inverse_.push_back(copy_a_inverse(policy, k));
  copy_theta(policy);
}

ArmScores::ArmScores(const ArmScores& previous, const bandit::LinUcb& policy, int arm) : ArmScores(previous) {
  // An update publishes only its own arm (batch size 1) and never changes which arms are active.
  a_inverse_.at(static_cast<std::size_t>(arm)) = copy_a_inverse(policy, arm);
  theta_.row(arm) = policy.arms().theta(arm).transpose();
}

std::shared_ptr<const bandit::RowMatrix> ArmScores::copy_a_inverse(const bandit::LinUcb& policy, int arm) {
  return std::make_shared<const bandit::RowMatrix>(policy.arms().a_inverse(arm));
}

void ArmScores::copy_theta(const bandit::LinUcb& policy) {
  theta_.resize(policy.n_arms(), dimension_);
  for (int k = 0; k < policy.n_arms(); ++k) theta_.row(k) = policy.arms().theta(k).transpose();
}

void ArmScores::scores(std::span<const double> context, std::span<double> out, ScoringScratch& scratch) const {
  const int d = dimension_;
  if (context.size() != static_cast<std::size_t>(d)) {
    throw std::invalid_argument("arm scores: context has " + std::to_string(context.size()) +
                                " values, the model's dimension is " + std::to_string(d));
  }
  scratch.nonzero_index.resize(static_cast<std::size_t>(d));
  scratch.nonzero_value.resize(static_cast<std::size_t>(d));
  int nnz = 0;
  for (int i = 0; i < d; ++i) {
    const double value = context[static_cast<std::size_t>(i)];
    if (value != 0.0) {
      scratch.nonzero_index[static_cast<std::size_t>(nnz)] = i;
      scratch.nonzero_value[static_cast<std::size_t>(nnz)] = value;
      ++nnz;
    }
  }
  const auto score = [this](double mean, double width) { return mean + alpha_ * std::sqrt(std::max(0.0, width)); };
  // LinearArms' rule: one-hot contexts have few non-zeros, and working on those beats the dense products.
  if (4 * nnz * nnz <= d * d) {
    const int* index = scratch.nonzero_index.data();
    const double* value = scratch.nonzero_value.data();
    for (std::size_t k = 0; k < a_inverse_.size(); ++k) {
      const double* block = a_inverse_[k]->data();
      const double* theta = theta_.data() + static_cast<std::ptrdiff_t>(k) * d;
      double m = 0.0, w = 0.0;
      const auto row_of = [&](int p) { return block + static_cast<std::ptrdiff_t>(index[p]) * d; };
      const auto accumulate = [&](int p, double row_dot) {
        m += value[p] * theta[index[p]];
        w += value[p] * row_dot;
      };
      int p = 0;
      // Four rows at a time: four independent sums in flight instead of one chain of additions,
      // each summed in LinearArms' order, so the bits stay the same.
      for (; p + 4 <= nnz; p += 4) {
        const double *row0 = row_of(p), *row1 = row_of(p + 1), *row2 = row_of(p + 2), *row3 = row_of(p + 3);
        double dot0 = 0.0, dot1 = 0.0, dot2 = 0.0, dot3 = 0.0;
        for (int q = 0; q < nnz; ++q) {
          const int column = index[q];
          const double x = value[q];
          dot0 += row0[column] * x;
          dot1 += row1[column] * x;
          dot2 += row2[column] * x;
          dot3 += row3[column] * x;
        }
        accumulate(p, dot0);
        accumulate(p + 1, dot1);
        accumulate(p + 2, dot2);
        accumulate(p + 3, dot3);
      }
      for (; p < nnz; ++p) {
        const double* row = row_of(p);
        double row_dot = 0.0;
        for (int q = 0; q < nnz; ++q) row_dot += row[index[q]] * value[q];
        accumulate(p, row_dot);
      }
      out[k] = score(m, w);
    }
    return;
  }
  const Eigen::Map<const Eigen::VectorXd> x(context.data(), d);
  scratch.means.resize(theta_.rows());
  scratch.means.noalias() = theta_ * x;
  scratch.product.resize(d);
  for (std::size_t k = 0; k < a_inverse_.size(); ++k) {
    scratch.product.noalias() = *a_inverse_[k] * x;
    out[k] = score(scratch.means(static_cast<Eigen::Index>(k)), scratch.product.dot(x));
  }
}

void ArmScores::rank(std::span<const double> context, std::span<int> ranked, ScoringScratch& scratch) const {
  scratch.scores.resize(a_inverse_.size());
  scores(context, scratch.scores, scratch);
  bandit::rank_top_k(scratch.scores, active_, ranked, tie_tolerance_);
}

}  // namespace backdrop::serving
