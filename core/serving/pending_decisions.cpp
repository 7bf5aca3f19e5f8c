#include "core/serving/pending_decisions.h"

#include <stdexcept>

namespace backdrop::serving {

PendingDecisions::PendingDecisions(std::size_t capacity, Clock::duration time_to_live)
    : capacity_(capacity), time_to_live_(time_to_live) {
  if (capacity_ == 0) throw std::invalid_argument("pending decisions: capacity must be > 0");
}

void PendingDecisions::drop_expired(Clock::time_point now) {
  while (!order_.empty()) {
    const auto found = entries_.find(order_.front());
    if (found != entries_.end() && entries_.size() < capacity_ && now - found->second.added < time_to_live_) break;
    if (found != entries_.end()) entries_.erase(found);
    order_.pop_front();
  }
}

void PendingDecisions::compact_order() {
  std::deque<std::string> live;
  for (auto& id : order_) {
    if (entries_.count(id)) live.push_back(std::move(id));
  }
  order_ = std::move(live);
}

void PendingDecisions::add(std::string id, PendingDecision decision, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  drop_expired(now);
  // Answered decisions leave their ids in order_; sweep them when they outnumber the live ones.
  if (order_.size() >= 2 * capacity_) compact_order();
  order_.push_back(id);
  entries_.insert_or_assign(std::move(id), Entry{std::move(decision), now});
}

std::optional<PendingDecision> PendingDecisions::take(const std::string& id, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(id);
  if (found == entries_.end()) return std::nullopt;
  if (now - found->second.added >= time_to_live_) {
    entries_.erase(found);
    return std::nullopt;
  }
  auto decision = std::move(found->second.decision);
  entries_.erase(found);
  return decision;
}

std::size_t PendingDecisions::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace backdrop::serving
