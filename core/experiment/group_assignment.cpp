#include "core/experiment/group_assignment.h"

#include <algorithm>

namespace backdrop::experiment {
namespace {

constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ull;
constexpr uint64_t kFnvPrime = 0x100000001b3ull;
constexpr char kSeparator = '\x1f';

uint64_t fnv1a(uint64_t state, std::string_view bytes) {
  for (const char c : bytes) {
    state ^= static_cast<unsigned char>(c);
    state *= kFnvPrime;
  }
  return state;
}

uint64_t fnv1a_separator(uint64_t state) {
  return fnv1a(state, std::string_view(&kSeparator, 1));
}

// MurmurHash3's fmix64: FNV-1a alone leaves the high bits weakly mixed for short keys.
uint64_t finalise(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

double position_of(uint64_t hash) {
  return static_cast<double>(hash >> 11) * 0x1.0p-53;
}

uint64_t prefix_state(std::string_view salt, std::string_view experiment_id) {
  return fnv1a_separator(fnv1a(fnv1a_separator(fnv1a(kFnvOffset, salt)), experiment_id));
}

}  // namespace

uint64_t assignment_hash(std::string_view salt, std::string_view experiment_id, std::string_view user_id) {
  return finalise(fnv1a(prefix_state(salt, experiment_id), user_id));
}

double assignment_position(std::string_view salt, std::string_view experiment_id, std::string_view user_id) {
  return position_of(assignment_hash(salt, experiment_id, user_id));
}

GroupAssigner::GroupAssigner(const Experiment& experiment)
    : prefix_state_(prefix_state(experiment.salt, experiment.id)) {
  double total = 0.0;
  for (const auto& group : experiment.groups) {
    total += group.share;
    upper_.push_back(total);
  }
  // Shares sum to 1 within the plan's tolerance; the last group takes what rounding leaves.
  if (!upper_.empty()) upper_.back() = 1.0;
}

std::size_t GroupAssigner::group_of_user(std::string_view user_id) const {
  return group_at(position_of(finalise(fnv1a(prefix_state_, user_id))));
}

std::size_t GroupAssigner::group_at(double position) const {
  const auto found = std::upper_bound(upper_.begin(), upper_.end(), position);
  if (found == upper_.end()) return upper_.empty() ? 0 : upper_.size() - 1;
  return static_cast<std::size_t>(found - upper_.begin());
}

}  // namespace backdrop::experiment
