#pragma once
// Backdrop's own impression/click log: JSON lines written by the serving side, one event per line.
//
//   {"event": "impression", "decision": "d-17", "arm": 3, "arm_id": "p12", "position": 0, "propensity": 0.25,
//    "features": {"user": {"segment": "new"}, "product": {"price": 12.5}, "placement": {"page": "home"}}}
//   {"event": "click", "decision": "d-17", "position": 0}
//
// An impression is one arm shown in one slot of a decision, with the probability the serving
// policy had of showing it there; a click refers to its impression by decision and position
// (position defaults to 0). Features are grouped by source; feature names become
// "<source>.<name>". Bad lines are reported with their line numbers and skipped.
//
// Several files (one category's log from every replica's log folder, see impression_log_file())
// are read as one log: clicks are joined once every impression of every file is known, so a click
// logged before its impression, in another file, or by a replica restarted since, finds it.
// Feedback may be sent more than once for a decision (a client retrying, a click sent to two
// replicas) and every copy is logged: an impression counts as clicked once however many click lines
// name it (the extra ones are counted in repeated_clicks). A click whose decision and position
// have no impression in any of the files is unmatched: reported, never a round of the feedback (a
// click on an impression that was skipped, such as an experiment group's image that is no arm, is
// neither).

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
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

struct UnmatchedClick {
  std::filesystem::path file;
  int64_t line = 0;  // 1-based
  std::string decision;
};

struct ImpressionLog {
  LoggedFeedback feedback;
  FeatureSchema schema;
  std::vector<std::string> decision;  // decision id of each round
  // The arm's stable id of each round ("p12" for a prompt; "" when the line had none): an arm's
  // index is its position in the bundle that served it, the id names it across bundles.
  std::vector<std::string> arm_id;
  // Bad lines, by file and line; with several files each message starts with "<file>: ".
  std::vector<LogIssue> skipped;
  int64_t clicks = 0;                            // rounds with a click (the sum of feedback.reward)
  int64_t repeated_clicks = 0;                   // click lines for an impression already clicked: counted once
  std::vector<UnmatchedClick> unmatched_clicks;  // no impression anywhere: not in the feedback
};

// Throws LogError when the file cannot be opened.
ImpressionLog load_impression_log(const std::filesystem::path& path, const ImpressionLogOptions& options = {});
// Several files read as one log (see above); throws LogError naming a file that cannot be opened.
ImpressionLog load_impression_logs(const std::vector<std::filesystem::path>& files,
                                   const ImpressionLogOptions& options = {});

// The file backdrop-serve logs a category to in its log folder: <category>.jsonl, characters other
// than letters, digits, '-' and '_' replaced by '_' ("_" for an empty name).
std::string impression_log_file_name(std::string_view category);
// That file in each folder where it exists, in the folders' order.
std::vector<std::filesystem::path> impression_log_files(const std::vector<std::filesystem::path>& folders,
                                                        std::string_view category);

}  // namespace backdrop::bandit
