#include "core/serving/arm_choice.h"

#include <algorithm>

namespace backdrop::serving {

std::size_t uniform_slot(std::size_t n, double draw) {
  return std::min(n - 1, static_cast<std::size_t>(draw * static_cast<double>(n)));
}

double propensity_of(std::size_t slot, std::size_t n_eligible, std::size_t greedy_slot, double epsilon) {
  return (slot == greedy_slot ? 1.0 - epsilon : 0.0) + epsilon / static_cast<double>(n_eligible);
}

ArmChoice choose_arm(std::size_t n_eligible, std::size_t greedy_slot, double epsilon, double explore_draw,
                     double uniform_draw) {
  std::size_t slot = greedy_slot;
  if (explore_draw < epsilon) {
    slot = uniform_slot(n_eligible, uniform_draw);
  }
  return {slot, propensity_of(slot, n_eligible, greedy_slot, epsilon)};
}

}  // namespace backdrop::serving
