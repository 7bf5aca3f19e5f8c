#include "core/bandit/policy.h"

#include <algorithm>
#include <stdexcept>

namespace backdrop::bandit {

int Policy::select_one(std::span<const double> context) {
  int arm = -1;
  select(context, std::span<int>(&arm, 1));
  return arm;
}

void Policy::check_arm(int arm) const {
  if (arm < 0 || arm >= n_arms()) {
    throw std::out_of_range(name() + ": arm " + std::to_string(arm) + " out of range [0, " + std::to_string(n_arms()) +
                            ")");
  }
}

void Policy::retire_arm(int arm) {
  check_arm(arm);
  active_[static_cast<std::size_t>(arm)] = 0;
}

bool Policy::arm_active(int arm) const {
  check_arm(arm);
  return active_[static_cast<std::size_t>(arm)] != 0;
}

int Policy::n_active_arms() const { return static_cast<int>(std::count(active_.begin(), active_.end(), 1)); }

}  // namespace backdrop::bandit
