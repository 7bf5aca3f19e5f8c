#pragma once
// Policies by name, for the CLI, configuration files and serving: "linucb", "lints", "random",
// "epsilon-greedy", "bernoulli-ts".

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/bandit/policy.h"

namespace backdrop::bandit {

struct PolicySettings {
  std::string name = "linucb";
  int dimension = 0;
  int n_arms = 0;
  double alpha = 1.0;    // LinUCB width
  double epsilon = 0.1;  // epsilon-greedy exploration probability
  int batch_size = 1;
  uint64_t seed = 0;
};

const std::vector<std::string>& policy_names();
// Throws std::invalid_argument for an unknown name (the message lists the known ones).
std::unique_ptr<Policy> make_policy(const PolicySettings& settings);

}  // namespace backdrop::bandit
