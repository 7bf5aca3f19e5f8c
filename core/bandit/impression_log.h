#pragma once
// Backdrop's own impression/click log: JSON lines written by the serving side, one event per line.
//
//   {"event": "impression", "decision": "d-17", "arm": 3, "position": 0, "propensity": 0.25,
//    "features": {"user": {"segment": "new"}, "product": {"price": 12.5}, "placement": {"page": "home"}}}
//   {"event": "click", "decision": "d-17", "position": 0}
//
// An impression is one arm shown in one slot of a decision, with the probability the serving
// policy had of showing it there; a click refers to its impression by decision and position
// (position defaults to 0). Features are grouped by source; feature names become
// "<source>.<name>". Bad lines are reported with their line numbers and skipped.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/bandit/feature_schema.h"
#include "core/bandit/logged_feedback.h"
#include "core/common/cancellation.h"

namespace backdrop::bandit {

struct ImpressionLogOptions {
  // Encode with this schema (the one saved with the priors); without it a schema is fitted to the
  // log: numbers become numeric features, anything else one-hot over the values seen.
  std::optional<FeatureSchema> schema;
  ProgressSink progress;
  CancellationToken cancel;
};

struct ImpressionLog {
  LoggedFeedback feedback;
  FeatureSchema schema;
  std::vector<std::string> decision;  // decision id of each round
  std::vector<LogIssue> skipped;
};

// Throws LogError when the file cannot be opened.
ImpressionLog load_impression_log(const std::filesystem::path& path, const ImpressionLogOptions& options = {});

}  // namespace backdrop::bandit
