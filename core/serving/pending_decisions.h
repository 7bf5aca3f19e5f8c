#pragma once
// Decisions waiting for their feedback, so that POST /v1/feedback can find what was shown in which
// context. Bounded: past `capacity` the oldest decision is dropped, and a decision older than
// `time_to_live` is dropped on the next insertion; a dropped decision's click is still logged (its
// id names the category) but not learned from (202).
// Thread-safe; each call holds one mutex for a hash-map operation.

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace backdrop::serving {

class CategoryLearner;

struct PendingDecision {
  std::shared_ptr<CategoryLearner> learner;  // the learner that decided; null when learning is off
  int arm = -1;
  std::vector<double> context;  // encoded; empty when learning is off
};

class PendingDecisions {
 public:
  using Clock = std::chrono::steady_clock;

  PendingDecisions(std::size_t capacity, Clock::duration time_to_live);

  void add(std::string id, PendingDecision decision, Clock::time_point now = Clock::now());
  // Removes and returns the decision; nullopt when unknown, expired or already answered.
  std::optional<PendingDecision> take(const std::string& id, Clock::time_point now = Clock::now());
  std::size_t size() const;

 private:
  struct Entry {
    PendingDecision decision;
    Clock::time_point added;
  };
  void drop_expired(Clock::time_point now);
  void compact_order();

  std::size_t capacity_;
  Clock::duration time_to_live_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::deque<std::string> order_;  // ids by insertion time; ids already taken are skipped lazily
};

}  // namespace backdrop::serving
