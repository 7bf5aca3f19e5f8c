#pragma once
// Epsilon-greedy over the eligible arms, with the propensity the impression log needs: the greedy
// arm (LinUCB's best eligible arm) is shown with probability 1 - epsilon, and every eligible arm,
// the greedy one included, with epsilon / |eligible| more. The propensities sum to 1.

#include <cstddef>
#include <span>

namespace backdrop::serving {

struct ArmChoice {
  std::size_t slot = 0;  // index into the eligible list
  double propensity = 0.0;
};

// `greedy_slot` is the greedy arm's index in the eligible list of `n_eligible` (> 0) arms;
// `explore_draw` and `uniform_draw` are uniform in [0, 1).
ArmChoice choose_arm(std::size_t n_eligible, std::size_t greedy_slot, double epsilon, double explore_draw,
                     double uniform_draw);

// The slot a uniform `draw` in [0, 1) picks among `n` (> 0): uniform exploration, and the groups of
// an experiment that show a uniform choice.
std::size_t uniform_slot(std::size_t n, double draw);

// The probability of showing the arm at `slot`.
double propensity_of(std::size_t slot, std::size_t n_eligible, std::size_t greedy_slot, double epsilon);

}  // namespace backdrop::serving
