#pragma once
// Where the decision engine reports what it showed and what was clicked (the impression writer in
// production, a recorder in tests).

#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace backdrop::serving {

struct ImpressionRecord {
  std::string_view category;
  std::string_view bundle_version;
  std::string_view decision;
  int arm = -1;  // index into the category's arms (and priors) of that bundle
  std::string_view arm_id;
  std::string_view product;
  std::string_view placement;
  double propensity = 0.0;
  const nlohmann::json* features = nullptr;  // grouped by source
  bool fallback = false;                     // decided by the priors' means (latency budget)
  // The experiment's fields when the category runs one (experiment empty otherwise).
  std::string_view experiment;
  std::string_view group;
  std::string_view group_kind;
  double group_share = 0.0;
  std::string_view control;
  bool assigned = false;  // "assignment": "user" (true) or "unassigned"
  std::string_view user;  // empty when the request had no user id
  bool group_fallback = false;
};

class ImpressionSink {
 public:
  virtual ~ImpressionSink() = default;
  virtual void impression(const ImpressionRecord& record) = 0;
  // A click on a genuine decision id, logged to the category's log. Durable: returns once the line
  // is written and flushed to the operating system; throws Unavailable when it could not be.
  virtual void click(std::string_view category, std::string_view decision) = 0;
  // Feedback for an id that failed its check (decision_id.h), kept apart from every category's log.
  virtual void unmatched_click(std::string_view decision, bool clicked, std::string_view reason) = 0;
};

}  // namespace backdrop::serving
