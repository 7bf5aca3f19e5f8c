#include "core/bandit/logged_feedback.h"

namespace backdrop::bandit {

double LoggedFeedback::mean_reward() const {
  double sum = 0.0;
  for (const double r : reward) sum += r;
  return reward.empty() ? 0.0 : sum / static_cast<double>(reward.size());
}

LoggedFeedback select_rounds(const LoggedFeedback& logs, std::span<const int64_t> rounds) {
  LoggedFeedback part;
  part.n_arms = logs.n_arms;
  part.len_list = logs.len_list;
  part.context.resize(static_cast<Eigen::Index>(rounds.size()), logs.context.cols());
  for (std::size_t k = 0; k < rounds.size(); ++k) {
    const auto round = static_cast<std::size_t>(rounds[k]);
    part.context.row(static_cast<Eigen::Index>(k)) = logs.context.row(static_cast<Eigen::Index>(round));
    part.action.push_back(logs.action[round]);
    part.position.push_back(logs.position[round]);
    part.reward.push_back(logs.reward[round]);
    part.pscore.push_back(logs.pscore[round]);
  }
  return part;
}

}  // namespace backdrop::bandit
