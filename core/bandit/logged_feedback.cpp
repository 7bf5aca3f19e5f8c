#include "core/bandit/logged_feedback.h"

namespace backdrop::bandit {

double LoggedFeedback::mean_reward() const {
  double sum = 0.0;
  for (const double r : reward) sum += r;
  return reward.empty() ? 0.0 : sum / static_cast<double>(reward.size());
}

}  // namespace backdrop::bandit
