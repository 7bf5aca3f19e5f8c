#include "core/bandit/reward_model.h"

#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Cholesky>

#include "core/bandit/random.h"

namespace backdrop::bandit {
namespace {

double sigmoid(double z) { return z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z)); }

double penalised_loss(const RowMatrix& x, const Eigen::VectorXd& y, const Eigen::VectorXd& w, double b, double l2) {
  double loss = 0.5 * l2 * w.squaredNorm();
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const double z = x.row(i).dot(w) + b;
    // log(1 + e^z) - y z, computed without overflow
    loss += (z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z))) - y[i] * z;
  }
  return loss;
}

Eigen::MatrixXd arm_features(const Eigen::MatrixXd& action_context, int n_arms) {
  if (action_context.size() > 0) {
    if (action_context.rows() < n_arms) {
      throw std::invalid_argument("reward model: action context has " + std::to_string(action_context.rows()) +
                                  " rows for " + std::to_string(n_arms) + " arms");
    }
    return action_context;
  }
  return Eigen::MatrixXd::Identity(n_arms, n_arms);
}

void fill_features(const LoggedFeedback& logs, const Eigen::MatrixXd& arms, int64_t round, int arm,
                   Eigen::Ref<Eigen::RowVectorXd> out) {
  const auto d = logs.context.cols();
  out.head(d) = logs.context.row(round);
  out.tail(arms.cols()) = arms.row(arm);
}

// KFold(shuffle=True)-style assignment: a seeded permutation cut into `folds` contiguous parts.
std::vector<int> assign_folds(int64_t n, int folds, uint64_t seed) {
  std::vector<int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  Random random(seed);
  for (int64_t i = n - 1; i > 0; --i) {
    std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(random.below(static_cast<int>(i + 1)))]);
  }
  std::vector<int> fold(static_cast<std::size_t>(n));
  for (int64_t i = 0; i < n; ++i) fold[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = static_cast<int>(i * folds / n);
  return fold;
}

}  // namespace

void LogisticRegression::fit(const RowMatrix& x, const Eigen::VectorXd& y, double l2, int max_iterations,
                             double tolerance) {
  const auto m = x.cols();
  weights_ = Eigen::VectorXd::Zero(m);
  const double rate = y.size() > 0 ? y.mean() : 0.0;
  if (rate <= 0.0 || rate >= 1.0) {  // one class only: nothing to separate
    intercept_ = rate <= 0.0 ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return;
  }
  intercept_ = std::log(rate / (1.0 - rate));
  double loss = penalised_loss(x, y, weights_, intercept_, l2);
  for (int iteration = 0; iteration < max_iterations; ++iteration) {
    // Newton step on (w, b): gradient and Hessian of the penalised log-loss.
    Eigen::VectorXd gradient = Eigen::VectorXd::Zero(m + 1);
    Eigen::MatrixXd hessian = Eigen::MatrixXd::Zero(m + 1, m + 1);
    Eigen::VectorXd row(m + 1);
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      row.head(m) = x.row(i).transpose();
      row[m] = 1.0;
      const double p = sigmoid(row.head(m).dot(weights_) + intercept_);
      gradient += (p - y[i]) * row;
      hessian.selfadjointView<Eigen::Lower>().rankUpdate(row, p * (1.0 - p));
    }
    gradient.head(m) += l2 * weights_;
    hessian.diagonal().head(m).array() += l2;
    const Eigen::VectorXd step = hessian.selfadjointView<Eigen::Lower>().ldlt().solve(gradient);
    double scale = 1.0;
    for (int halving = 0; halving < 30; ++halving, scale *= 0.5) {
      const Eigen::VectorXd w = weights_ - scale * step.head(m);
      const double b = intercept_ - scale * step[m];
      const double candidate = penalised_loss(x, y, w, b, l2);
      if (candidate <= loss) {
        weights_ = w;
        intercept_ = b;
        const double improvement = loss - candidate;
        loss = candidate;
        if (improvement <= tolerance * std::max(1.0, std::abs(loss))) return;
        break;
      }
    }
  }
}

double LogisticRegression::predict(const Eigen::Ref<const Eigen::RowVectorXd>& features) const {
  if (std::isinf(intercept_)) return intercept_ > 0 ? 1.0 : 0.0;
  return sigmoid(features.dot(weights_) + intercept_);
}

RowMatrix cross_fitted_rewards(const LoggedFeedback& logs, const Eigen::MatrixXd& action_context,
                               const RewardModelConfig& config) {
  if (config.folds < 2) throw std::invalid_argument("reward model: at least 2 folds");
  const auto arms = arm_features(action_context, logs.n_arms);
  const auto width = logs.context.cols() + arms.cols();
  const auto fold = assign_folds(logs.size(), config.folds, config.seed);
  RowMatrix predicted(logs.size(), logs.n_arms);
  Eigen::RowVectorXd features(width);
  for (int f = 0; f < config.folds; ++f) {
    for (int slot = 0; slot < logs.len_list; ++slot) {
      std::vector<int64_t> train;
      for (int64_t i = 0; i < logs.size(); ++i) {
        if (fold[static_cast<std::size_t>(i)] != f && logs.position[static_cast<std::size_t>(i)] == slot) train.push_back(i);
      }
      RowMatrix x(static_cast<Eigen::Index>(train.size()), width);
      Eigen::VectorXd y(static_cast<Eigen::Index>(train.size()));
      for (std::size_t t = 0; t < train.size(); ++t) {
        fill_features(logs, arms, train[t], logs.action[static_cast<std::size_t>(train[t])], x.row(static_cast<Eigen::Index>(t)));
        y[static_cast<Eigen::Index>(t)] = logs.reward[static_cast<std::size_t>(train[t])];
      }
      LogisticRegression model;
      model.fit(x, y, config.l2);
      for (int64_t i = 0; i < logs.size(); ++i) {
        if (fold[static_cast<std::size_t>(i)] != f || logs.position[static_cast<std::size_t>(i)] != slot) continue;
        for (int k = 0; k < logs.n_arms; ++k) {
          fill_features(logs, arms, i, k, features);
          predicted(i, k) = model.predict(features);
        }
      }
    }
  }
  return predicted;
}

}  // namespace backdrop::bandit
