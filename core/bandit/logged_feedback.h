#pragma once
// Logged bandit feedback, the common input of replay, off-policy evaluation and training: one
// round per row with its context, the arm shown, its slot, the reward and the logging propensity.

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/bandit/linear_arms.h"

namespace backdrop::bandit {

// The largest arm index and slot a log row may name. Logs come from files: a row beyond these is
// skipped as bad, so that a forged index never overflows `index + 1` or sizes per-arm state
// (priors, policies) to billions of arms. Real catalogues have tens of arms and a few slots.
inline constexpr int64_t kMaxArmIndex = 99999;
inline constexpr int64_t kMaxSlotIndex = 999;

struct LoggedFeedback {
  int n_arms = 0;
  int len_list = 1;       // slots per impression
  RowMatrix context;      // rounds x dimension
  std::vector<int> action;
  std::vector<int> position;  // 0-based slot
  std::vector<double> reward;
  std::vector<double> pscore;  // logging policy's probability of the shown arm at its slot

  int64_t size() const { return static_cast<int64_t>(action.size()); }
  int dimension() const { return static_cast<int>(context.cols()); }
  double mean_reward() const;
};

// The given rounds of `logs`, in that order, with their contexts, arms, slots, rewards and
// propensities as they are (n_arms and len_list too): a hold-out half, or the rounds of some arms.
LoggedFeedback select_rounds(const LoggedFeedback& logs, std::span<const int64_t> rounds);

// A log that cannot be read at all (missing file or column); bad rows are LogIssues instead.
class LogError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A row of a log that could not be used; the import goes on without it.
struct LogIssue {
  int64_t line = 0;  // 1-based line in the file
  std::string message;
};

}  // namespace backdrop::bandit
