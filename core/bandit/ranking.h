#pragma once
// Top-k selection with a portable tie rule. Scores that are mathematically equal often differ by an
// ulp or two (each arm's state went through its own floating-point history), so "the best" is a
// set: every score within `tolerance` (relative, floored at 1) of the maximum is tied, and the
// lowest arm index of that set wins. Open Bandit Pipeline's fixtures call this `canonical_lowest`.

#include <span>

namespace backdrop::bandit {

inline constexpr double kDefaultTieTolerance = 1e-9;

// Writes the `ranked.size()` best active arms into `ranked`, best first, by repeating the rule on
// the arms not yet ranked. `active[k]` == 0 excludes arm k. Slots beyond the number of active
// arms are set to -1. No allocation.
void rank_top_k(std::span<const double> scores, std::span<const unsigned char> active, std::span<int> ranked,
                double tolerance = kDefaultTieTolerance);

}  // namespace backdrop::bandit
