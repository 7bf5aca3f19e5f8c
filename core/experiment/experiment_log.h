#pragma once
// Reads backdrop-serve's impression logs (every `*.jsonl` in a folder, see
// core/serving/impression_writer.h) into one row per experiment impression, with its click joined
// by decision id within the attribution window.
//
//   {"event":"impression","decision":"d-17","category":"apparel","placement":"square",
//    "experiment":"phase3","group":"personalised","group_kind":"personalised","group_share":0.9,
//    "control":"random","assignment":"user","user":"u-42","time":"2026-12-01T10:00:00.000Z",...}
//   {"event":"click","decision":"d-17","time":"2026-12-01T10:03:12.500Z"}
//
// Impressions without "experiment" are not part of any experiment and are counted, not kept. A
// click counts when its time is at most the window after its impression's (a click stamped
// earlier, as clocks of two replicas may disagree, counts too); a later click counts 0 and is
// reported as late, a click with no impression in the folder (or folders) as unmatched. Several
// clicks on one decision count once. Bad lines are reported with their file and line number and skipped.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/cancellation.h"

namespace backdrop::experiment {

// The attribution window's default: a click up to a day after its impression counts.
inline constexpr double kDefaultAttributionWindowHours = 24.0;

struct ExperimentImpression {
  std::string experiment;
  std::string group;
  std::string group_kind;
  std::string control;  // the control group's name, as the plan set it
  std::string category;
  std::string placement;
  std::string decision;
  std::string user;               // empty when the request had no user id
  bool assigned_by_user = false;  // "assignment": "user" (else "unassigned")
  double group_share = 0.0;       // the group's planned traffic share
  double time = 0.0;              // seconds since the Unix epoch, UTC
  bool clicked = false;           // a click within the attribution window
};

// A line that could not be used; the import goes on without it.
struct ExperimentLogIssue {
  std::filesystem::path file;
  int64_t line = 0;  // 1-based
  std::string message;
};

struct ExperimentLogOptions {
  double attribution_window_hours = kDefaultAttributionWindowHours;
  ProgressSink progress;
  CancellationToken cancel;
};

struct ExperimentLog {
  std::vector<ExperimentImpression> impressions;  // in file order, files by name
  std::vector<ExperimentLogIssue> skipped;
  int64_t files = 0;
  int64_t impressions_outside_experiments = 0;
  int64_t late_clicks = 0;       // after the attribution window: count 0
  int64_t unmatched_clicks = 0;  // no impression with that decision id in the folder
};

// Throws std::runtime_error naming the folder when it is not a readable folder, or a file in it
// when that cannot be opened.
ExperimentLog load_experiment_log(const std::filesystem::path& folder, const ExperimentLogOptions& options = {});
// Several folders (every replica's) read as one: a click logged by one replica joins the impression
// another logged.
ExperimentLog load_experiment_logs(const std::vector<std::filesystem::path>& folders,
                                   const ExperimentLogOptions& options = {});

// "2026-12-01T10:00:00Z" or with fractional seconds ("...:00.123Z") as seconds since the epoch;
// nullopt when the text is not such a UTC time.
std::optional<double> parse_utc_time(std::string_view text);
// The inverse, with milliseconds: "2026-12-01T10:00:00.123Z".
std::string format_utc_time(double seconds);

}  // namespace backdrop::experiment
