#include "core/bandit/lin_ucb.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace backdrop::bandit {

LinUcb::LinUcb(const LinUcbConfig& config)
    : config_(config), arms_(config.dimension, config.n_arms, config.batch_size) {
  if (!(config.alpha >= 0.0)) throw std::invalid_argument("linucb: alpha must be >= 0");
  for (int k = 0; k < config.n_arms; ++k) track_new_arm();
  resize_scratch();
}

void LinUcb::resize_scratch() {
  const auto n = static_cast<std::size_t>(arms_.n_arms());
  mean_.resize(n);
  width_.resize(n);
  scores_.resize(n);
}

void LinUcb::select(std::span<const double> context, std::span<int> ranked) {
  arms_.score_terms(context, mean_, width_);
  for (std::size_t k = 0; k < scores_.size(); ++k) {
    scores_[k] = mean_[k] + config_.alpha * std::sqrt(std::max(0.0, width_[k]));
  }
  rank_top_k(scores_, active_mask(), ranked, config_.tie_tolerance);
}

void LinUcb::update(int arm, double reward, std::span<const double> context) { arms_.update(arm, reward, context); }

int LinUcb::add_arm() {
  const int arm = arms_.add_arm();
  track_new_arm();
  resize_scratch();
  return arm;
}

}  // namespace backdrop::bandit
