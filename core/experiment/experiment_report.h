#pragma once
// The experiment report: per experiment (and optionally per category and placement), per group,
// the users, impressions, clicks and CTR with its interval; each group's relative uplift over the
// control with its delta-method and bootstrap intervals, p-value and minimum detectable uplift; the
// impressions needed to detect a chosen uplift; and the sample-ratio-mismatch test. The statistics
// and their units are described in experiment_statistics.h. JSON (the form of issue 17's
// contract), CSV and a text table come from the same report.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/experiment/experiment_log.h"
#include "core/experiment/experiment_statistics.h"

namespace backdrop::experiment {

// The relative uplift whose sample size the report states unless told another.
inline constexpr double kDefaultEffect = 0.05;

struct ReportOptions {
  bool by_category = false;
  bool by_placement = false;
  std::string control;  // overrides the control the log names, when set
  double effect = kDefaultEffect;
  int bootstrap_resamples = 1000;  // 0: no bootstrap interval
  uint64_t seed = 17;
  double attribution_window_hours = kDefaultAttributionWindowHours;  // recorded in the report
};

struct SampleSizeNeeded {
  double effect = 0.0;
  double control_impressions = 0.0;
  double group_impressions = 0.0;  // at the group's current ratio of impressions to the control's
};

struct GroupReport {
  std::string group;
  std::string kind;
  double planned_share = 0.0;
  int64_t users = 0;
  int64_t impressions = 0;
  int64_t clicks = 0;
  double ctr = 0.0;
  Interval ctr_ci;
  bool control = false;
  // Set for the groups other than the control when the control is present and both have clicks.
  std::optional<double> uplift;
  std::optional<Interval> uplift_ci;
  std::optional<Interval> uplift_bootstrap_ci;
  std::optional<double> p_value;
  std::optional<double> minimum_detectable_uplift;
  std::optional<SampleSizeNeeded> sample_size;
};

struct SliceReport {
  std::string experiment;
  std::optional<std::string> category;   // set when grouped by category
  std::optional<std::string> placement;  // set when grouped by placement
  std::string control;
  bool control_present = false;
  std::vector<GroupReport> groups;  // the control first, then by name
  SampleRatioTest sample_ratio;
  std::string sample_ratio_unit;  // "users" (assignment by user) or "impressions"
};

struct ExperimentReport {
  double attribution_window_hours = kDefaultAttributionWindowHours;
  double confidence = kConfidence;
  std::vector<SliceReport> experiments;  // by experiment, category, placement
};

ExperimentReport build_experiment_report(std::span<const ExperimentImpression> impressions,
                                         const ReportOptions& options = {});

nlohmann::json report_json(const ExperimentReport& report);
// One row per group, with a header; empty cells where the JSON has null.
std::string report_csv(const ExperimentReport& report);
// A table per experiment slice, for a terminal.
std::string report_text(const ExperimentReport& report);

}  // namespace backdrop::experiment
