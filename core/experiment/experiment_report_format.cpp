// The JSON, CSV and text forms of an ExperimentReport (experiment_report.h).

#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/experiment/experiment_report.h"

namespace backdrop::experiment {
namespace {

nlohmann::json optional_json(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nullptr;
}

nlohmann::json optional_json(const std::optional<Interval>& interval) {
  return interval ? nlohmann::json::array({interval->low, interval->high}) : nlohmann::json(nullptr);
}

nlohmann::json optional_json(const std::optional<std::string>& text) {
  return text ? nlohmann::json(*text) : nullptr;
}

nlohmann::json group_json(const GroupReport& group) {
  nlohmann::json json{{"group", group.group},
                      {"kind", group.kind},
                      {"planned_share", group.planned_share},
                      {"users", group.users},
                      {"impressions", group.impressions},
                      {"clicks", group.clicks},
                      {"ctr", group.ctr},
                      {"ctr_ci", {group.ctr_ci.low, group.ctr_ci.high}},
                      {"uplift", optional_json(group.uplift)},
                      {"uplift_ci", optional_json(group.uplift_ci)},
                      {"uplift_bootstrap_ci", optional_json(group.uplift_bootstrap_ci)},
                      {"p_value", optional_json(group.p_value)}};
  if (group.minimum_detectable_uplift) json["minimum_detectable_uplift"] = *group.minimum_detectable_uplift;
  if (group.sample_size) {
    json["sample_size_for_effect"] = {{"effect", group.sample_size->effect},
                                      {"control_impressions", group.sample_size->control_impressions},
                                      {"group_impressions", group.sample_size->group_impressions}};
  }
  return json;
}

nlohmann::json slice_json(const SliceReport& slice) {
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& group : slice.groups) groups.push_back(group_json(group));
  return {{"experiment", slice.experiment},
          {"category", optional_json(slice.category)},
          {"placement", optional_json(slice.placement)},
          {"control", slice.control},
          {"groups", std::move(groups)},
          {"sample_ratio",
           {{"chi_square", slice.sample_ratio.chi_square},
            {"p_value", slice.sample_ratio.p_value},
            {"mismatch", slice.sample_ratio.mismatch},
            {"unit", slice.sample_ratio_unit}}}};
}

// A CSV cell: quoted when it holds a comma, a quote or a line break.
std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string number(double value) {
  std::ostringstream out;
  out.precision(10);
  out << value;
  return out.str();
}

std::string number(const std::optional<double>& value) {
  return value ? number(*value) : std::string();
}

std::string bounds(const std::optional<Interval>& interval) {
  return interval ? number(interval->low) + "," + number(interval->high) : std::string(",");
}

std::string csv_row(const SliceReport& slice, const GroupReport& group) {
  std::string row;
  for (const auto& text : {slice.experiment, slice.category.value_or(""), slice.placement.value_or(""), slice.control,
                           group.group, group.kind}) {
    row += csv_cell(text) + ",";
  }
  row += number(group.planned_share) + "," + std::to_string(group.users) + "," + std::to_string(group.impressions) +
         "," + std::to_string(group.clicks) + "," + number(group.ctr) + "," + bounds(group.ctr_ci) + "," +
         number(group.uplift) + "," + bounds(group.uplift_ci) + "," + bounds(group.uplift_bootstrap_ci) + "," +
         number(group.p_value) + "," + number(group.minimum_detectable_uplift) + "," +
         number(slice.sample_ratio.chi_square) + "," + number(slice.sample_ratio.p_value) + "," +
         (slice.sample_ratio.mismatch ? "true" : "false") + "\n";
  return row;
}

std::string percent(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%+.1f%%", 100.0 * value);
  return text;
}

std::string text_header(const SliceReport& slice) {
  std::string header = "experiment " + slice.experiment;
  if (slice.category) header += "  category " + *slice.category;
  if (slice.placement) header += "  placement " + *slice.placement;
  header += "  control " + slice.control + (slice.control_present ? "" : " (not in the log)") + "\n";
  char columns[256];
  std::snprintf(columns, sizeof columns, "  %-16s %-15s %6s %8s %11s %8s %-20s %-24s %-18s %8s %8s\n", "group", "kind",
                "share", "users", "impressions", "clicks", "CTR [95% CI]", "uplift [95% CI]", "bootstrap 95%", "p",
                "MDE");
  return header + columns;
}

std::string text_row(const GroupReport& group) {
  char ctr[64], uplift[64] = "control", bootstrap[64] = "", p[32] = "", mde[32] = "";
  std::snprintf(ctr, sizeof ctr, "%.4f [%.4f, %.4f]", group.ctr, group.ctr_ci.low, group.ctr_ci.high);
  if (!group.control) std::snprintf(uplift, sizeof uplift, "-");
  if (group.uplift && group.uplift_ci) {
    std::snprintf(uplift, sizeof uplift, "%s [%s, %s]", percent(*group.uplift).c_str(),
                  percent(group.uplift_ci->low).c_str(), percent(group.uplift_ci->high).c_str());
  }
  if (group.uplift_bootstrap_ci) {
    std::snprintf(bootstrap, sizeof bootstrap, "[%s, %s]", percent(group.uplift_bootstrap_ci->low).c_str(),
                  percent(group.uplift_bootstrap_ci->high).c_str());
  }
  if (group.p_value) std::snprintf(p, sizeof p, "%.4f", *group.p_value);
  if (group.minimum_detectable_uplift)
    std::snprintf(mde, sizeof mde, "%.1f%%", 100.0 * *group.minimum_detectable_uplift);
  char row[512];
  std::snprintf(row, sizeof row, "  %-16s %-15s %6.3f %8lld %11lld %8lld %-20s %-24s %-18s %8s %8s\n",
                group.group.c_str(), group.kind.c_str(), group.planned_share, static_cast<long long>(group.users),
                static_cast<long long>(group.impressions), static_cast<long long>(group.clicks), ctr, uplift, bootstrap,
                p, mde);
  return row;
}

std::string text_footer(const SliceReport& slice) {
  char line[256];
  std::snprintf(line, sizeof line, "  sample ratio (%s): chi-square %.3f, df %d, p %.4g%s\n",
                slice.sample_ratio_unit.c_str(), slice.sample_ratio.chi_square, slice.sample_ratio.degrees_of_freedom,
                slice.sample_ratio.p_value,
                slice.sample_ratio.mismatch ? "  MISMATCH: the groups' sizes differ from the plan" : "");
  std::string footer = line;
  for (const auto& group : slice.groups) {
    if (!group.sample_size) continue;
    std::snprintf(line, sizeof line, "  %s: %.0f impressions (and %.0f in %s) detect %s with 80%% power\n",
                  group.group.c_str(), group.sample_size->group_impressions, group.sample_size->control_impressions,
                  slice.control.c_str(), percent(group.sample_size->effect).c_str());
    footer += line;
  }
  return footer;
}

}  // namespace

nlohmann::json report_json(const ExperimentReport& report) {
  nlohmann::json experiments = nlohmann::json::array();
  for (const auto& slice : report.experiments) experiments.push_back(slice_json(slice));
  return {{"attribution_window_hours", report.attribution_window_hours},
          {"confidence", report.confidence},
          {"experiments", std::move(experiments)}};
}

std::string report_csv(const ExperimentReport& report) {
  std::string csv =
      "experiment,category,placement,control,group,kind,planned_share,users,impressions,clicks,ctr,ctr_low,ctr_high,"
      "uplift,uplift_low,uplift_high,uplift_bootstrap_low,uplift_bootstrap_high,p_value,minimum_detectable_uplift,"
      "sample_ratio_chi_square,sample_ratio_p_value,sample_ratio_mismatch\n";
  for (const auto& slice : report.experiments) {
    for (const auto& group : slice.groups) csv += csv_row(slice, group);
  }
  return csv;
}

std::string report_text(const ExperimentReport& report) {
  char line[128];
  std::snprintf(line, sizeof line, "attribution window %g h, %g%% intervals\n", report.attribution_window_hours,
                100.0 * report.confidence);
  std::string text = line;
  for (const auto& slice : report.experiments) {
    text += '\n';
    text += text_header(slice);
    for (const auto& group : slice.groups) text += text_row(group);
    text += text_footer(slice);
  }
  return text;
}

}  // namespace backdrop::experiment
