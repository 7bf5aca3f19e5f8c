#pragma once
// One category's online LinUCB. Decisions read its published scoring state (ArmScores) through an
// atomic shared pointer and never lock; feedback updates the policy under a mutex and publishes a
// new scoring state, so decisions never wait for feedback and categories never wait for each other.
//
// Publication: after every update (LinUcb's batch size 1, what the engine did when decisions read
// the policy itself). Publishing copies the updated arm's d x d A^-1 and the K x d thetas; the
// other arms' A^-1 are shared with the previous state. A decision that loaded the previous state
// finishes on it. A learner outlives a bundle switch when the new bundle keeps the category's arms,
// feature schema, priors and alpha (see decision_engine.h).

#include <atomic>
#include <memory>
#include <mutex>
#include <span>

#include "core/bandit/lin_ucb.h"
#include "core/export/bundle.h"
#include "core/serving/arm_scores.h"

namespace backdrop::serving {

class CategoryLearner {
 public:
  // Throws bandit::PriorsError when the priors do not fit the schema.
  explicit CategoryLearner(const exporting::CategoryBundle& category);

  // The state decisions score with; never blocks on learn().
  std::shared_ptr<const ArmScores> scores() const { return published_.load(std::memory_order_acquire); }
  // One observation of `arm` in `context`; publishes the updated state.
  void learn(int arm, double reward, std::span<const double> context);

 private:
  std::mutex mutex_;
  bandit::LinUcb policy_;  // guarded by mutex_
  std::atomic<std::shared_ptr<const ArmScores>> published_;
};

}  // namespace backdrop::serving
