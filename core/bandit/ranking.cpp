#include "core/bandit/ranking.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace backdrop::bandit {
namespace {

bool already_ranked(std::span<const int> ranked, int arm) {
  return std::find(ranked.begin(), ranked.end(), arm) != ranked.end();
}

}  // namespace

void rank_top_k(std::span<const double> scores, std::span<const unsigned char> active, std::span<int> ranked,
                double tolerance) {
  const int n_arms = static_cast<int>(scores.size());
  for (std::size_t slot = 0; slot < ranked.size(); ++slot) {
    const auto taken = ranked.first(slot);
    int first_available = -1;
    double best = -std::numeric_limits<double>::infinity();
    for (int k = 0; k < n_arms; ++k) {
      if (!active[k] || already_ranked(taken, k)) continue;
      if (first_available < 0) first_available = k;
      if (scores[k] > best) best = scores[k];
    }
    if (first_available < 0) {
      std::fill(ranked.begin() + static_cast<std::ptrdiff_t>(slot), ranked.end(), -1);
      return;
    }
    // NaN scores never win; when every score is NaN the lowest available arm does.
    const double threshold = best - tolerance * std::max(1.0, std::abs(best));
    ranked[slot] = first_available;
    for (int k = first_available; k < n_arms; ++k) {
      if (active[k] && !already_ranked(taken, k) && scores[k] >= threshold) {
        ranked[slot] = k;
        break;
      }
    }
  }
}

}  // namespace backdrop::bandit
