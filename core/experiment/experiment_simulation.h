#pragma once
// A simulator of online experiments with known true CTRs, for checking the report: users are
// assigned to groups by the planned shares, each sees several impressions, and clicks are drawn
// from the group's CTR (per placement when given) times the user's own propensity to click, a
// gamma multiplier with mean 1, so that impressions of one user are correlated as in real traffic.
// The group's true CTR is then the expected clicks per impression, and the true uplift of a group
// is its CTR over the control's minus 1. Logs are written in backdrop-serve's format
// (core/serving/impression_writer.h with the experiment fields of issue 17's contract).

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/experiment/experiment_log.h"

namespace backdrop::experiment {

struct SimulatedGroup {
  std::string name;
  std::string kind;
  double share = 0.0;
  double ctr = 0.0;
  std::map<std::string, double> ctr_by_placement;  // overrides `ctr` on these placements
};

struct SimulationConfig {
  std::string experiment = "simulated";
  std::string category = "apparel";
  std::string control;  // the first group when empty
  std::vector<SimulatedGroup> groups;
  std::vector<std::string> placements{"square"};  // each impression on one, uniformly
  int users = 2000;
  double impressions_per_user = 5.0;  // mean; a user sees 1 + Poisson(mean - 1) impressions
  // Coefficient of variation of a user's click multiplier (0: every user clicks alike).
  double user_heterogeneity = 0.5;
  double unassigned_share = 0.0;     // impressions of requests without a user id (a random group each)
  double late_click_share = 0.0;     // clicks logged after the attribution window (they count 0)
  double start_time = 1796083200.0;  // 2026-12-01T00:00:00Z
  double duration_hours = 72.0;
  uint64_t seed = 1;
};

struct SimulatedImpression {
  ExperimentImpression row;           // row.clicked: a click within the default attribution window
  double click_delay_seconds = -1.0;  // < 0: no click logged
};

// Throws std::invalid_argument when the groups' shares do not sum to 1 or a CTR is outside [0, 1].
std::vector<SimulatedImpression> simulate_experiment(const SimulationConfig& config);

// The rows as the report reads them.
std::vector<ExperimentImpression> impression_rows(const std::vector<SimulatedImpression>& simulated);

// The true relative uplift of `group` over the config's control, over the placements mixed as
// simulated (uniformly).
double true_uplift(const SimulationConfig& config, const std::string& group);

// Appends impression and click lines to <folder>/<category>.jsonl, as backdrop-serve writes them.
void write_serving_logs(const std::vector<SimulatedImpression>& simulated, const std::filesystem::path& folder);

}  // namespace backdrop::experiment
