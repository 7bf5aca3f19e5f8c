#include "core/bandit/replay.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace backdrop::bandit {
namespace {

constexpr int64_t kProgressEvery = 1024;

}  // namespace

ReplayResult replay(Policy& policy, const LoggedFeedback& logs, const ReplayOptions& options) {
  if (policy.dimension() != 0 && policy.dimension() != logs.dimension()) {
    throw std::invalid_argument("replay: the policy expects " + std::to_string(policy.dimension()) +
                                "-dimensional contexts, the logs have " + std::to_string(logs.dimension()));
  }
  const bool slate = options.mode == ReplayMode::slate;
  std::vector<int> ranked(static_cast<std::size_t>(slate ? logs.len_list : 1));
  ReplayResult result;
  for (int64_t i = 0; i < logs.size(); ++i) {
    if (i % kProgressEvery == 0) {
      options.cancel.throw_if_cancelled();
      if (options.progress) options.progress({i, logs.size(), "replay"});
    }
    const auto row = static_cast<std::size_t>(i);
    const int position = logs.position[row];
    if (options.mode == ReplayMode::first_position_top1 && position != 0) continue;
    const auto x = logs.context.row(i);
    const std::span<const double> context(x.data(), static_cast<std::size_t>(x.size()));
    policy.select(context, ranked);
    ++result.rounds;
    const int chosen = ranked[slate ? static_cast<std::size_t>(position) : 0];
    if (chosen != logs.action[row]) continue;
    policy.update(chosen, logs.reward[row], context);
    ++result.matched;
    result.clicks += logs.reward[row];
    result.matched_rewards.push_back(logs.reward[row]);
  }
  if (options.progress) options.progress({logs.size(), logs.size(), "replay"});
  return result;
}

}  // namespace backdrop::bandit
