#include "core/experiment/experiment_report.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

namespace backdrop::experiment {
namespace {

// A group's impressions gathered by unit.
struct GroupUnits {
  std::string kind;
  double planned_share = 0.0;
  std::vector<UnitTotals> units;
  std::unordered_map<std::string, std::size_t> unit_of;
  int64_t users = 0;
  int64_t impressions = 0;

  void add(const ExperimentImpression& row) {
    auto key = row.assigned_by_user ? "u:" + row.user : "d:" + row.decision;
    const auto [found, added] = unit_of.emplace(std::move(key), units.size());
    if (added) {
      units.push_back({});
      if (row.assigned_by_user) ++users;
    }
    auto& unit = units[found->second];
    unit.impressions += 1.0;
    unit.clicks += row.clicked ? 1.0 : 0.0;
    ++impressions;
  }
};

struct Slice {
  std::map<std::string, GroupUnits> groups;
  std::map<std::string, int64_t> logged_controls;  // control name -> impressions naming it
};

using SliceKey = std::tuple<std::string, std::string, std::string>;  // experiment, category, placement

std::map<SliceKey, Slice> gather(std::span<const ExperimentImpression> impressions, const ReportOptions& options) {
  std::map<SliceKey, Slice> slices;
  for (const auto& row : impressions) {
    auto& slice = slices[{row.experiment, options.by_category ? row.category : std::string(),
                          options.by_placement ? row.placement : std::string()}];
    auto& group = slice.groups[row.group];
    if (group.units.empty()) {
      group.kind = row.group_kind;
      group.planned_share = row.group_share;
    }
    group.add(row);
    ++slice.logged_controls[row.control];
  }
  return slices;
}

std::string control_of(const Slice& slice, const ReportOptions& options) {
  if (!options.control.empty()) return options.control;
  const auto most = std::max_element(slice.logged_controls.begin(), slice.logged_controls.end(),
                                     [](const auto& a, const auto& b) { return a.second < b.second; });
  return most == slice.logged_controls.end() ? std::string() : most->first;
}

GroupReport describe_group(const std::string& name, const GroupUnits& units, const RatioEstimate& ctr) {
  GroupReport group;
  group.group = name;
  group.kind = units.kind;
  group.planned_share = units.planned_share;
  group.users = units.users;
  group.impressions = units.impressions;
  group.clicks = static_cast<int64_t>(ctr.clicks);
  group.ctr = ctr.value;
  group.ctr_ci = ctr_interval(ctr);
  return group;
}

SampleSizeNeeded sample_size_for(const RatioEstimate& group, const RatioEstimate& control, double effect) {
  const double ratio = group.effective_impressions() / control.effective_impressions();
  const double control_effective = two_proportion_sample_size(control.value, control.value * (1.0 + effect), ratio);
  return {effect, control_effective * control.design_effect(), control_effective * ratio * group.design_effect()};
}

void compare_with_control(GroupReport& report, const GroupUnits& group_units, const RatioEstimate& group,
                          const GroupUnits& control_units, const RatioEstimate& control, const ReportOptions& options,
                          uint64_t seed) {
  if (const auto uplift = relative_uplift(group, control)) {
    report.uplift = uplift->value;
    report.uplift_ci = uplift->interval;
    report.p_value = uplift->p_value;
    report.uplift_bootstrap_ci =
        bootstrap_uplift_interval(group_units.units, control_units.units, options.bootstrap_resamples, seed);
  }
  if (control.value > 0.0 && control.value < 1.0) {
    report.minimum_detectable_uplift =
        minimum_detectable_uplift(control.value, control.effective_impressions(), group.effective_impressions());
    if (options.effect > 0.0 && control.value * (1.0 + options.effect) < 1.0) {
      report.sample_size = sample_size_for(group, control, options.effect);
    }
  }
}

// Units per group against the planned shares; a remainder of the shares no group in the slice
// carries stands for the planned groups that got nothing.
void test_sample_ratio(SliceReport& report, const Slice& slice) {
  const bool by_user =
      std::any_of(slice.groups.begin(), slice.groups.end(), [](const auto& g) { return g.second.users > 0; });
  report.sample_ratio_unit = by_user ? "users" : "impressions";
  std::vector<double> observed, shares;
  double share_total = 0.0;
  for (const auto& [name, group] : slice.groups) {
    observed.push_back(static_cast<double>(by_user ? group.users : group.impressions));
    shares.push_back(group.planned_share);
    share_total += group.planned_share;
  }
  if (share_total < 1.0 - 1e-6) {
    observed.push_back(0.0);
    shares.push_back(1.0 - share_total);
  }
  report.sample_ratio = sample_ratio_test(observed, shares);
}

SliceReport describe_slice(const SliceKey& key, const Slice& slice, const ReportOptions& options, uint64_t seed) {
  SliceReport report;
  report.experiment = std::get<0>(key);
  if (options.by_category) report.category = std::get<1>(key);
  if (options.by_placement) report.placement = std::get<2>(key);
  report.control = control_of(slice, options);
  const auto control_units = slice.groups.find(report.control);
  report.control_present = control_units != slice.groups.end();
  std::optional<RatioEstimate> control;
  if (report.control_present) control = ratio_of_sums(control_units->second.units);
  for (const auto& [name, units] : slice.groups) {
    const auto ctr = ratio_of_sums(units.units);
    auto group = describe_group(name, units, ctr);
    group.control = name == report.control;
    if (control && !group.control) {
      compare_with_control(group, units, ctr, control_units->second, *control, options, seed + report.groups.size());
    }
    report.groups.push_back(std::move(group));
  }
  std::stable_partition(report.groups.begin(), report.groups.end(), [](const auto& g) { return g.control; });
  test_sample_ratio(report, slice);
  return report;
}

}  // namespace

ExperimentReport build_experiment_report(std::span<const ExperimentImpression> impressions,
                                         const ReportOptions& options) {
  ExperimentReport report;
  report.attribution_window_hours = options.attribution_window_hours;
  uint64_t seed = options.seed;
  for (const auto& [key, slice] : gather(impressions, options)) {
    report.experiments.push_back(describe_slice(key, slice, options, seed));
    seed += 1000;
  }
  return report;
}

}  // namespace backdrop::experiment
