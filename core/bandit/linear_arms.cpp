#include "core/bandit/linear_arms.h"

#include <stdexcept>
#include <string>

namespace backdrop::bandit {
namespace {

Eigen::Map<const Eigen::VectorXd> as_vector(std::span<const double> values) {
  return {values.data(), static_cast<Eigen::Index>(values.size())};
}

}  // namespace

LinearArms::LinearArms(int dimension, int n_arms, int batch_size)
    : dimension_(dimension), n_arms_(0), batch_size_(batch_size) {
  if (dimension <= 0) throw std::invalid_argument("linear bandit: dimension must be positive, got " + std::to_string(dimension));
  if (n_arms < 0) throw std::invalid_argument("linear bandit: negative number of arms " + std::to_string(n_arms));
  if (batch_size <= 0) throw std::invalid_argument("linear bandit: batch_size must be positive, got " + std::to_string(batch_size));
  update_direction_.resize(dimension);
  nonzero_index_.resize(static_cast<std::size_t>(dimension));
  nonzero_value_.resize(static_cast<std::size_t>(dimension));
  for (int k = 0; k < n_arms; ++k) add_arm();
}

int LinearArms::add_arm() {
  const int arm = n_arms_++;
  const Eigen::Index d = dimension_;
  // With batch_size 1 updates are published at once, so the pending copy is the published state.
  const bool separate_pending = batch_size_ > 1;
  for (RowMatrix* stacked : {&a_inverse_, &pending_a_inverse_}) {
    if (stacked == &pending_a_inverse_ && !separate_pending) continue;
    stacked->conservativeResize(n_arms_ * d, d);
    stacked->middleRows(arm * d, d).setIdentity();
  }
  for (RowMatrix* rows : {&b_, &theta_, &pending_b_}) {
    if (rows == &pending_b_ && !separate_pending) continue;
    rows->conservativeResize(n_arms_, d);
    rows->row(arm).setZero();
  }
  pulls_.push_back(0);
  reward_sums_.push_back(0.0);
  dirty_.push_back(false);
  revision_.push_back(0);
  stacked_product_.resize(n_arms_ * d);
  return arm;
}

void LinearArms::check_arm(int arm) const {
  if (arm < 0 || arm >= n_arms_) {
    throw std::out_of_range("linear bandit: arm " + std::to_string(arm) + " out of range [0, " +
                            std::to_string(n_arms_) + ")");
  }
}

int LinearArms::gather_nonzeros(std::span<const double> context) const {
  if (context.size() != static_cast<std::size_t>(dimension_)) {
    throw std::invalid_argument("linear bandit: context has " + std::to_string(context.size()) +
                                " values, the model's dimension is " + std::to_string(dimension_));
  }
  int nnz = 0;
  for (int i = 0; i < dimension_; ++i) {
    const double value = context[static_cast<std::size_t>(i)];
    if (value != 0.0) {
      nonzero_index_[static_cast<std::size_t>(nnz)] = i;
      nonzero_value_[static_cast<std::size_t>(nnz)] = value;
      ++nnz;
    }
  }
  return nnz;
}

void LinearArms::score_terms(std::span<const double> context, std::span<double> mean,
                             std::span<double> width) const {
  const int d = dimension_;
  const int nnz = gather_nonzeros(context);
  if (is_sparse(nnz)) {
    // x^T A^-1 x from the nnz^2 entries of A^-1 that the non-zeros pick.
    const int* index = nonzero_index_.data();
    const double* value = nonzero_value_.data();
    for (int k = 0; k < n_arms_; ++k) {
      const double* block = a_inverse_.data() + static_cast<std::ptrdiff_t>(k) * d * d;
      const double* theta = theta_.data() + static_cast<std::ptrdiff_t>(k) * d;
      double m = 0.0, w = 0.0;
      for (int p = 0; p < nnz; ++p) {
        const double* row = block + static_cast<std::ptrdiff_t>(index[p]) * d;
        double row_dot = 0.0;
        for (int q = 0; q < nnz; ++q) row_dot += row[index[q]] * value[q];
        m += value[p] * theta[index[p]];
        w += value[p] * row_dot;
      }
      mean[static_cast<std::size_t>(k)] = m;
      width[static_cast<std::size_t>(k)] = w;
    }
    return;
  }
  const auto x = as_vector(context);
  stacked_product_.noalias() = a_inverse_ * x;
  Eigen::Map<Eigen::VectorXd>(mean.data(), n_arms_).noalias() = theta_ * x;
  for (int k = 0; k < n_arms_; ++k) {
    width[static_cast<std::size_t>(k)] = stacked_product_.segment(static_cast<Eigen::Index>(k) * d, d).dot(x);
  }
}

void LinearArms::update(int arm, double reward, std::span<const double> context) {
  update_weighted(arm, reward, context, 1.0);
}

void LinearArms::update_weighted(int arm, double reward, std::span<const double> context, double weight) {
  check_arm(arm);
  const int d = dimension_;
  double* block = working_a_inverse().data() + static_cast<std::ptrdiff_t>(arm) * d * d;
  double* b = working_b().data() + static_cast<std::ptrdiff_t>(arm) * d;
  double* u = update_direction_.data();
  const int nnz = gather_nonzeros(context);
  const int* index = nonzero_index_.data();
  const double* value = nonzero_value_.data();
  // u = A^-1 x, from the non-zero columns only (all of them for a dense context).
  double x_dot_u = 0.0;
  for (int i = 0; i < d; ++i) {
    const double* row = block + static_cast<std::ptrdiff_t>(i) * d;
    double sum = 0.0;
    for (int p = 0; p < nnz; ++p) sum += row[index[p]] * value[p];
    u[i] = sum;
  }
  for (int p = 0; p < nnz; ++p) x_dot_u += value[p] * u[index[p]];
  // Sherman-Morrison for A + w x x^T: A^-1 - w (A^-1 x)(A^-1 x)^T / (1 + w x^T A^-1 x); A^-1 is
  // symmetric, so A^-1 x serves as both the column and the row factor.
  const double scale = weight / (1.0 + weight * x_dot_u);
  for (int i = 0; i < d; ++i) {
    double* row = block + static_cast<std::ptrdiff_t>(i) * d;
    const double factor = scale * u[i];
    for (int j = 0; j < d; ++j) row[j] -= factor * u[j];
  }
  for (int p = 0; p < nnz; ++p) b[index[p]] += weight * reward * value[p];
  pulls_[static_cast<std::size_t>(arm)] += static_cast<int64_t>(weight);
  reward_sums_[static_cast<std::size_t>(arm)] += weight * reward;
  dirty_[static_cast<std::size_t>(arm)] = true;
  if (++n_updates_ % batch_size_ == 0) publish();
}

void LinearArms::publish() {
  for (int k = 0; k < n_arms_; ++k) {
    if (dirty_[static_cast<std::size_t>(k)]) publish_arm(k);
  }
}

void LinearArms::publish_arm(int arm) {
  const Eigen::Index d = dimension_;
  if (batch_size_ > 1) {
    a_inverse_.middleRows(arm * d, d) = pending_a_inverse_.middleRows(arm * d, d);
    b_.row(arm) = pending_b_.row(arm);
  }
  theta_.row(arm).noalias() = (a_inverse_.middleRows(arm * d, d) * b_.row(arm).transpose()).transpose();
  dirty_[static_cast<std::size_t>(arm)] = false;
  ++revision_[static_cast<std::size_t>(arm)];
}

Eigen::Map<const RowMatrix> LinearArms::a_inverse(int arm) const {
  check_arm(arm);
  return {a_inverse_.data() + static_cast<std::ptrdiff_t>(arm) * dimension_ * dimension_, dimension_, dimension_};
}

Eigen::Map<const Eigen::VectorXd> LinearArms::theta(int arm) const {
  check_arm(arm);
  return {theta_.data() + static_cast<std::ptrdiff_t>(arm) * dimension_, dimension_};
}

LinearArmState LinearArms::state(int arm) const {
  check_arm(arm);
  const Eigen::Index d = dimension_;
  return {working_a_inverse().middleRows(arm * d, d), working_b().row(arm).transpose(),
          pulls_[static_cast<std::size_t>(arm)], reward_sums_[static_cast<std::size_t>(arm)]};
}

void LinearArms::set_state(int arm, const LinearArmState& state) {
  check_arm(arm);
  const Eigen::Index d = dimension_;
  if (state.a_inverse.rows() != d || state.a_inverse.cols() != d || state.b.size() != d) {
    throw std::invalid_argument("linear bandit: arm " + std::to_string(arm) + " state has A^-1 " +
                                std::to_string(state.a_inverse.rows()) + "x" + std::to_string(state.a_inverse.cols()) +
                                " and b of " + std::to_string(state.b.size()) + ", expected dimension " +
                                std::to_string(d));
  }
  working_a_inverse().middleRows(arm * d, d) = state.a_inverse;
  working_b().row(arm) = state.b.transpose();
  pulls_[static_cast<std::size_t>(arm)] = state.pulls;
  reward_sums_[static_cast<std::size_t>(arm)] = state.reward_sum;
  publish_arm(arm);
}

}  // namespace backdrop::bandit
