#pragma once
// The reward model behind DM, DR and SNDR: per slot, an L2-regularised logistic regression of the
// click on [context, arm features], fitted by Newton's method and cross-fitted (each round's
// predictions come from models that never saw it), like Open Bandit Pipeline's RegressionModel
// with fitting_method="normal" around scikit-learn's LogisticRegression.

#include <cstdint>

#include <Eigen/Core>

#include "core/bandit/linear_arms.h"
#include "core/bandit/logged_feedback.h"

namespace backdrop::bandit {

class LogisticRegression {
 public:
  // Minimises sum_i logloss_i + l2/2 |w|^2 (the intercept is not penalised); scikit-learn's C is
  // 1 / l2. A single-class label set gives a constant model at that class's rate.
  void fit(const RowMatrix& features, const Eigen::VectorXd& labels, double l2, int max_iterations = 100,
           double tolerance = 1e-10);
  double predict(const Eigen::Ref<const Eigen::RowVectorXd>& features) const;
  const Eigen::VectorXd& weights() const { return weights_; }
  double intercept() const { return intercept_; }

 private:
  Eigen::VectorXd weights_;
  double intercept_ = 0.0;
};

struct RewardModelConfig {
  double l2 = 0.01;  // scikit-learn C = 100, as obp's benchmark uses
  int folds = 3;
  uint64_t seed = 12345;
};

// rounds x arms: predicted click probability of every arm at each round's logged slot. Arm
// features are the rows of `action_context` (arms x m); an empty matrix means one-hot arm ids.
RowMatrix cross_fitted_rewards(const LoggedFeedback& logs, const Eigen::MatrixXd& action_context,
                               const RewardModelConfig& config = {});

}  // namespace backdrop::bandit
