#pragma once
// One category's online LinUCB and the lock around it. Decisions and feedback of a category take
// turns on it; categories never wait for each other. A learner outlives a bundle switch when the
// new bundle keeps the category's arms, feature schema, priors and alpha (see decision_engine.h).

#include <mutex>
#include <vector>

#include "core/bandit/lin_ucb.h"
#include "core/export/bundle.h"

namespace backdrop::serving {

class CategoryLearner {
 public:
  // Throws bandit::PriorsError when the priors do not fit the schema.
  explicit CategoryLearner(const exporting::CategoryBundle& category);

  // Timed so that a decision can give up waiting once its latency budget is spent.
  std::timed_mutex mutex;
  bandit::LinUcb policy;    // guarded by mutex
  std::vector<int> ranked;  // guarded by mutex: select()'s output, every arm
};

}  // namespace backdrop::serving
