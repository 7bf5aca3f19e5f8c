#pragma once
// The interface every bandit policy implements, so that replay, off-policy evaluation, simulation,
// training and serving drive LinUCB, LinTS and the context-free baselines the same way.

#include <span>
#include <string>
#include <vector>

namespace backdrop::bandit {

class Policy {
 public:
  virtual ~Policy() = default;

  virtual std::string name() const = 0;
  // Context length the policy expects; 0 for context-free policies (they ignore the context).
  virtual int dimension() const { return 0; }
  // False when select() draws random numbers.
  virtual bool deterministic() const = 0;

  // Writes the ranked.size() best active arms, best first (a slate when the size is above 1).
  virtual void select(std::span<const double> context, std::span<int> ranked) = 0;
  // Feedback for one shown arm.
  virtual void update(int arm, double reward, std::span<const double> context) = 0;
  // A new arm starts from the policy's default state; the others keep theirs. Returns its index.
  virtual int add_arm() = 0;

  int select_one(std::span<const double> context);

  // Arm slots, retired ones included: indices stay stable when arms are added or retired.
  int n_arms() const { return static_cast<int>(active_.size()); }
  // A retired arm is never selected again; its state is kept (and saved with the priors).
  void retire_arm(int arm);
  bool arm_active(int arm) const;
  int n_active_arms() const;

 protected:
  // Subclasses call this once per arm they create.
  void track_new_arm() { active_.push_back(1); }
  std::span<const unsigned char> active_mask() const { return active_; }
  void check_arm(int arm) const;

 private:
  std::vector<unsigned char> active_;  // 1 = may be selected
};

}  // namespace backdrop::bandit
