#include "core/experiment/experiment_log.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/common/json_lines.h"

namespace backdrop::experiment {
namespace {

namespace fs = std::filesystem;

struct Click {
  std::string decision;
  double time;
};

// What one pass over the files collects; clicks are joined once every impression is known, so a
// click logged before its impression (another file, another replica) still finds it.
struct Collected {
  ExperimentLog log;
  std::unordered_map<std::string, std::size_t> by_decision;
  std::vector<Click> clicks;
};

std::string string_field(const nlohmann::json& event, const char* key) {
  const auto found = event.find(key);
  return found != event.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::optional<double> event_time(const nlohmann::json& event) {
  const auto found = event.find("time");
  if (found == event.end() || !found->is_string()) return std::nullopt;
  return parse_utc_time(found->get_ref<const std::string&>());
}

// Fills `row` from an impression that carries "experiment"; returns an error message or "".
std::string parse_impression(const nlohmann::json& event, ExperimentImpression& row) {
  row.experiment = event["experiment"].get<std::string>();
  row.decision = string_field(event, "decision");
  if (row.decision.empty()) return "impression without a 'decision' string";
  row.group = string_field(event, "group");
  if (row.group.empty()) return "experiment impression without a 'group' string";
  const auto time = event_time(event);
  if (!time) return "impression without a 'time' in UTC (\"2026-12-01T10:00:00.000Z\")";
  row.time = *time;
  const auto share = event.find("group_share");
  if (share == event.end() || !share->is_number() || !(share->get<double>() > 0.0 && share->get<double>() <= 1.0)) {
    return "experiment impression without a 'group_share' in (0, 1]";
  }
  row.group_share = share->get<double>();
  const auto assignment = string_field(event, "assignment");
  if (assignment != "user" && assignment != "unassigned") return "'assignment' is neither \"user\" nor \"unassigned\"";
  row.user = string_field(event, "user");
  row.assigned_by_user = assignment == "user";
  if (row.assigned_by_user && row.user.empty()) return "impression assigned by user without a 'user' string";
  row.group_kind = string_field(event, "group_kind");
  row.control = string_field(event, "control");
  row.category = string_field(event, "category");
  row.placement = string_field(event, "placement");
  return "";
}

void read_impression(const nlohmann::json& event, const fs::path& file, int64_t line, Collected& collected) {
  auto& log = collected.log;
  const auto experiment = event.find("experiment");
  if (experiment == event.end()) {
    ++log.impressions_outside_experiments;
    return;
  }
  if (!experiment->is_string() || experiment->get_ref<const std::string&>().empty()) {
    log.skipped.push_back({file, line, "'experiment' is not a non-empty string"});
    return;
  }
  ExperimentImpression row;
  if (auto error = parse_impression(event, row); !error.empty()) {
    log.skipped.push_back({file, line, std::move(error)});
    return;
  }
  if (!collected.by_decision.emplace(row.decision, log.impressions.size()).second) {
    log.skipped.push_back({file, line, "decision '" + row.decision + "' logged twice"});
    return;
  }
  log.impressions.push_back(std::move(row));
}

void read_event(const nlohmann::json& event, const fs::path& file, int64_t line, Collected& collected) {
  const auto kind = string_field(event, "event");
  if (kind == "impression") {
    read_impression(event, file, line, collected);
  } else if (kind == "click") {
    auto decision = string_field(event, "decision");
    const auto time = event_time(event);
    if (decision.empty()) {
      collected.log.skipped.push_back({file, line, "click without a 'decision' string"});
    } else if (!time) {
      collected.log.skipped.push_back({file, line, "click without a 'time' in UTC (\"2026-12-01T10:00:00.000Z\")"});
    } else {
      collected.clicks.push_back({std::move(decision), *time});
    }
  } else {
    collected.log.skipped.push_back({file, line, "unknown event '" + kind + "' (impression or click)"});
  }
}

void read_file(const fs::path& file, const ExperimentLogOptions& options, Collected& collected) {
  JsonLinesHandlers handlers;
  handlers.object = [&](int64_t line, const nlohmann::json& event) { read_event(event, file, line, collected); };
  handlers.bad_line = [&](int64_t line, std::string message) {
    collected.log.skipped.push_back({file, line, std::move(message)});
  };
  handlers.progress = options.progress;
  handlers.cancel = options.cancel;
  if (!read_json_lines(file, handlers)) throw std::runtime_error(file.string() + ": cannot open");
}

void join_clicks(Collected& collected, double window_seconds) {
  auto& log = collected.log;
  for (const auto& click : collected.clicks) {
    const auto found = collected.by_decision.find(click.decision);
    if (found == collected.by_decision.end()) {
      ++log.unmatched_clicks;
      continue;
    }
    auto& impression = log.impressions[found->second];
    if (click.time - impression.time <= window_seconds) {
      impression.clicked = true;
    } else {
      ++log.late_clicks;
    }
  }
}

std::vector<fs::path> log_files(const fs::path& folder) {
  std::error_code error;
  if (!fs::is_directory(folder, error)) throw std::runtime_error(folder.string() + ": not a folder of impression logs");
  std::vector<fs::path> files;
  for (fs::directory_iterator entry(folder, error), end; !error && entry != end; entry.increment(error)) {
    if (entry->path().extension() == ".jsonl" && entry->is_regular_file()) files.push_back(entry->path());
  }
  if (error) throw std::runtime_error(folder.string() + ": cannot list: " + error.message());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

ExperimentLog load_experiment_log(const fs::path& folder, const ExperimentLogOptions& options) {
  return load_experiment_logs({folder}, options);
}

ExperimentLog load_experiment_logs(const std::vector<fs::path>& folders, const ExperimentLogOptions& options) {
  if (!(options.attribution_window_hours >= 0.0)) throw std::invalid_argument("the attribution window is negative");
  Collected collected;
  for (const auto& folder : folders) {
    for (const auto& file : log_files(folder)) {
      read_file(file, options, collected);
      ++collected.log.files;
    }
  }
  join_clicks(collected, options.attribution_window_hours * 3600.0);
  return std::move(collected.log);
}

std::optional<double> parse_utc_time(std::string_view text) {
  std::tm utc{};
  int consumed = 0;
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &utc.tm_year, &utc.tm_mon, &utc.tm_mday, &utc.tm_hour,
                  &utc.tm_min, &utc.tm_sec, &consumed) != 6 ||
      consumed != 19) {
    return std::nullopt;
  }
  double fraction = 0.0;
  std::size_t at = 19;
  if (at < copy.size() && copy[at] == '.') {
    double scale = 0.1;
    for (++at; at < copy.size() && copy[at] >= '0' && copy[at] <= '9'; ++at, scale /= 10)
      fraction += (copy[at] - '0') * scale;
  }
  if (at + 1 != copy.size() || copy[at] != 'Z') return std::nullopt;
  if (utc.tm_mon < 1 || utc.tm_mon > 12 || utc.tm_mday < 1 || utc.tm_mday > 31 || utc.tm_hour > 23 || utc.tm_min > 59 ||
      utc.tm_sec > 60) {
    return std::nullopt;
  }
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  return static_cast<double>(timegm(&utc)) + fraction;
}

std::string format_utc_time(double seconds) {
  const auto whole = static_cast<std::time_t>(std::floor(seconds));
  const int millis = std::min(999, static_cast<int>(std::lround((seconds - static_cast<double>(whole)) * 1000.0)));
  std::tm utc{};
  gmtime_r(&whole, &utc);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  return text;
}

}  // namespace backdrop::experiment
