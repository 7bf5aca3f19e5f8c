#include "core/bandit/lin_ts.h"

#include <stdexcept>
#include <string>

#include <Eigen/Cholesky>

#include "core/bandit/ranking.h"

namespace backdrop::bandit {

LinTs::LinTs(const LinTsConfig& config)
    : arms_(config.dimension, 0, config.batch_size), random_(config.seed), noise_(config.dimension), sample_(config.dimension) {
  for (int k = 0; k < config.n_arms; ++k) add_arm();
}

int LinTs::add_arm() {
  const int arm = arms_.add_arm();
  track_new_arm();
  factors_.emplace_back();
  factor_revisions_.push_back(~uint64_t{0});
  scores_.resize(static_cast<std::size_t>(arms_.n_arms()));
  return arm;
}

const Eigen::MatrixXd& LinTs::covariance_factor(int arm) {
  const auto k = static_cast<std::size_t>(arm);
  if (factor_revisions_[k] != arms_.revision(arm)) {
    // A^-1 of a ridge regression is symmetric positive definite, so a plain Cholesky factor works.
    factors_[k] = Eigen::MatrixXd(arms_.a_inverse(arm)).llt().matrixL();
    factor_revisions_[k] = arms_.revision(arm);
  }
  return factors_[k];
}

void LinTs::select(std::span<const double> context, std::span<int> ranked) {
  if (context.size() != static_cast<std::size_t>(arms_.dimension())) {
    throw std::invalid_argument("lints: context has " + std::to_string(context.size()) + " values, expected " +
                                std::to_string(arms_.dimension()));
  }
  const Eigen::Map<const Eigen::VectorXd> x(context.data(), static_cast<Eigen::Index>(context.size()));
  for (int k = 0; k < arms_.n_arms(); ++k) {
    if (!arm_active(k)) continue;
    for (Eigen::Index i = 0; i < noise_.size(); ++i) noise_[i] = random_.normal();
    sample_ = arms_.theta(k);
    sample_.noalias() += covariance_factor(k) * noise_;
    scores_[static_cast<std::size_t>(k)] = x.dot(sample_);
  }
  rank_top_k(scores_, active_mask(), ranked);
}

void LinTs::update(int arm, double reward, std::span<const double> context) { arms_.update(arm, reward, context); }

}  // namespace backdrop::bandit
