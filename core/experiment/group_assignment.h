#pragma once
// Sticky, stateless assignment of users to an experiment's groups.
//
// A user's position is a 64-bit hash of (salt, experiment id, user id) mapped to [0, 1); the
// groups cut [0, 1) by their cumulative shares in the plan's order, so group i takes
// [s_0 + ... + s_{i-1}, s_0 + ... + s_i). The same three strings give the same group on every
// request, replica, restart and build: no state is kept and the hash is defined here, not by the
// standard library (std::hash differs across builds). A new salt reshuffles every user.
//
// The hash, for anyone who must reproduce it elsewhere: FNV-1a 64 (offset basis
// 0xcbf29ce484222325, prime 0x100000001b3) over the bytes of salt, 0x1f, experiment id, 0x1f,
// user id; then the MurmurHash3 64-bit finaliser (fmix64) so that every output bit depends on
// every input bit; position = (hash >> 11) * 2^-53.
//
// A request without a user id gets one group per request, drawn by the shares from a uniform
// number the caller supplies (the serving side logs it as "unassigned").

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/experiment/experiment_plan.h"

namespace backdrop::experiment {

// The hash described above.
uint64_t assignment_hash(std::string_view salt, std::string_view experiment_id, std::string_view user_id);
// The user's position in [0, 1).
double assignment_position(std::string_view salt, std::string_view experiment_id, std::string_view user_id);

// An experiment prepared for assigning on the request path: the cumulative shares, and the hash
// state after the salt and experiment id, so a request hashes only its user id.
class GroupAssigner {
 public:
  explicit GroupAssigner(const Experiment& experiment);

  // The index (into the experiment's groups) of the user's group.
  std::size_t group_of_user(std::string_view user_id) const;
  // The group at `position` in [0, 1): the one a user at that position, or an unassigned request
  // that drew it, gets.
  std::size_t group_at(double position) const;

 private:
  uint64_t prefix_state_ = 0;  // FNV-1a state after "salt\x1fid\x1f"
  std::vector<double> upper_;  // cumulative shares; the last is 1
};

}  // namespace backdrop::experiment
