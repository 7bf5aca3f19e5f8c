#include "core/bandit/impression_log.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "core/common/json_lines.h"

namespace backdrop::bandit {
namespace {

struct Impression {
  std::size_t file;
  int64_t line;
  std::string decision;
  std::string arm_id;
  int arm, position;
  double propensity;
  bool clicked = false;
  std::map<std::string, std::string> features;  // "<source>.<name>" -> value as text
};

std::optional<FeatureSource> source_from_name(const std::string& name) {
  for (const auto source : {FeatureSource::user, FeatureSource::product, FeatureSource::placement}) {
    if (to_string(source) == name) return source;
  }
  return std::nullopt;
}

std::string impression_key(const std::string& decision, int position) {
  return decision + '\x1f' + std::to_string(position);
}

// The integer `key` of `event` in [0, max] (`fallback` when absent); nullopt for anything else,
// including numbers with a fraction or beyond int's range.
std::optional<int> index_field(const nlohmann::json& event, const char* key, std::optional<int> fallback, int64_t max) {
  const auto found = event.find(key);
  if (found == event.end()) return fallback;
  if (!found->is_number_integer()) return std::nullopt;
  // An unsigned number above int64_t's range would wrap when read as one.
  if (found->is_number_unsigned() && found->get<uint64_t>() > uint64_t(max)) return std::nullopt;
  const auto value = found->get<int64_t>();
  if (value < 0 || value > max) return std::nullopt;
  return static_cast<int>(value);
}

// Fills `impression` from an impression event; returns an error message or "".
std::string parse_impression(const nlohmann::json& event, Impression& impression) {
  if (!event.contains("decision") || !event["decision"].is_string()) return "impression without a 'decision' string";
  const auto arm = index_field(event, "arm", std::nullopt, kMaxArmIndex);
  if (!arm) return "impression without an 'arm' index in [0, " + std::to_string(kMaxArmIndex) + "]";
  const auto propensity = event.value("propensity", -1.0);
  if (!(propensity > 0.0 && propensity <= 1.0)) return "impression without a 'propensity' in (0, 1]";
  const auto position = index_field(event, "position", 0, kMaxSlotIndex);
  if (!position) return "'position' is not a slot index in [0, " + std::to_string(kMaxSlotIndex) + "]";
  const auto arm_id = event.find("arm_id");
  if (arm_id != event.end() && !arm_id->is_string()) return "'arm_id' is not a string";
  impression.decision = event["decision"].get<std::string>();
  if (arm_id != event.end()) impression.arm_id = arm_id->get<std::string>();
  impression.arm = *arm;
  impression.position = *position;
  impression.propensity = propensity;
  if (!event.contains("features")) return "";
  for (const auto& [source, values] : event["features"].items()) {
    if (!source_from_name(source)) return "unknown feature source '" + source + "' (user, product or placement)";
    if (!values.is_object()) return "features." + source + " is not an object";
    for (const auto& [name, value] : values.items()) {
      if (!value.is_string() && !value.is_number()) return "feature " + source + "." + name + " is not a string or number";
      impression.features[source + "." + name] = value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
  return "";
}

using ImpressionIndex = std::unordered_map<std::string, std::size_t>;

struct FileIssue {
  std::size_t file;
  int64_t line;
  std::string message;
};

struct LoggedClick {
  std::size_t file;
  int64_t line;
  std::string decision;
  int position;
};

// What one pass over the files collects: clicks are joined once every impression of every file is
// known, so a click logged before its impression, in another file or another replica's folder
// still finds it.
struct Collected {
  std::vector<Impression> impressions;
  ImpressionIndex by_key;
  std::vector<LoggedClick> clicks;
  std::vector<FileIssue> issues;
  // Impressions skipped (an experiment group's image that is no arm, a bad field): their clicks
  // are not unmatched, they have nothing to join.
  std::unordered_set<std::string> skipped_keys;
};

// Reports a line of one file as skipped.
struct IssueSink {
  std::vector<FileIssue>& issues;
  std::size_t file;
  void operator()(int64_t line, std::string message) const { issues.push_back({file, line, std::move(message)}); }
};

void read_event(const nlohmann::json& event, int64_t line, Collected& collected, const IssueSink& skip) {
  const std::string kind = event.value("event", "");
  if (kind == "impression") {
    Impression impression{skip.file, line, "", "", 0, 0, 0.0, false, {}};
    if (auto error = parse_impression(event, impression); !error.empty()) {
      const auto decision = event.find("decision");
      if (decision != event.end() && decision->is_string()) {
        collected.skipped_keys.insert(impression_key(decision->get<std::string>(), event.value("position", 0)));
      }
      return skip(line, error);
    }
    const auto key = impression_key(impression.decision, impression.position);
    if (collected.by_key.count(key)) {
      return skip(line, "decision '" + impression.decision + "' position " + std::to_string(impression.position) +
                            " logged twice");
    }
    collected.by_key[key] = collected.impressions.size();
    collected.impressions.push_back(std::move(impression));
  } else if (kind == "click") {
    const auto decision = event.find("decision");
    if (decision == event.end() || !decision->is_string()) return skip(line, "click without a 'decision' string");
    const auto position = index_field(event, "position", 0, kMaxSlotIndex);
    if (!position) return skip(line, "click: 'position' is not a slot index in [0, " + std::to_string(kMaxSlotIndex) + "]");
    collected.clicks.push_back({skip.file, line, decision->get<std::string>(), *position});
  } else {
    skip(line, "unknown event '" + kind + "' (impression or click)");
  }
}

// Marks each click's impression clicked, once however often the click was logged.
void join_clicks(Collected& collected, const std::vector<std::filesystem::path>& files, ImpressionLog& log) {
  for (auto& click : collected.clicks) {
    const auto found = collected.by_key.find(impression_key(click.decision, click.position));
    if (found == collected.by_key.end()) {
      if (!collected.skipped_keys.count(impression_key(click.decision, click.position))) {
        log.unmatched_clicks.push_back({files[click.file], click.line, std::move(click.decision)});
      }
      continue;
    }
    auto& impression = collected.impressions[found->second];
    if (impression.clicked) ++log.repeated_clicks;
    impression.clicked = true;
  }
}

// By file and line; the file is named in the message when there are several (the line numbers
// alone would be ambiguous).
std::vector<LogIssue> issues_by_line(std::vector<FileIssue> issues, const std::vector<std::filesystem::path>& files) {
  std::stable_sort(issues.begin(), issues.end(),
                   [](const auto& a, const auto& b) { return std::tie(a.file, a.line) < std::tie(b.file, b.line); });
  std::vector<LogIssue> skipped;
  for (auto& issue : issues) {
    skipped.push_back(
        {issue.line, files.size() > 1 ? files[issue.file].string() + ": " + issue.message : std::move(issue.message)});
  }
  return skipped;
}

void read_file(const std::filesystem::path& path, std::size_t file, const ImpressionLogOptions& options,
               Collected& collected) {
  const IssueSink skip{collected.issues, file};
  JsonLinesHandlers handlers;
  handlers.object = [&](int64_t line, const nlohmann::json& event) { read_event(event, line, collected, skip); };
  handlers.bad_line = [&](int64_t line, std::string message) { skip(line, std::move(message)); };
  handlers.progress = options.progress;
  handlers.cancel = options.cancel;
  if (!read_json_lines(path, handlers)) throw LogError(path.string() + ": cannot open");
}

FeatureSchema fit_schema(const std::vector<Impression>& impressions) {
  std::map<std::string, std::vector<std::string>> values;
  for (const auto& impression : impressions) {
    for (const auto& [name, value] : impression.features) values[name].push_back(value);
  }
  std::vector<FeatureSpec> specs;
  for (auto& [name, observed] : values) {
    const auto source = *source_from_name(name.substr(0, name.find('.')));
    const bool numeric = std::all_of(observed.begin(), observed.end(), [](const auto& v) { return parse_double(v).has_value(); });
    if (numeric) {
      specs.push_back({name, source, FeatureEncoding::numeric, {}, false, 0});
    } else {
      specs.push_back(one_hot_feature(name, source, std::move(observed), false));
    }
  }
  return FeatureSchema(std::move(specs));
}

// A schema fitted to a log names its features "<source>.<name>"; a schema declared for serving
// names them by themselves and keeps the source apart ("device" from the user). Both find the
// value the log holds under "<source>.<name>".
std::optional<std::string_view> feature_value(const Impression& impression, const FeatureSpec& spec) {
  auto found = impression.features.find(spec.name);
  if (found == impression.features.end()) {
    found = impression.features.find(std::string(to_string(spec.source)) + "." + spec.name);
  }
  if (found == impression.features.end()) return std::nullopt;
  return found->second;
}

}  // namespace

ImpressionLog load_impression_log(const std::filesystem::path& path, const ImpressionLogOptions& options) {
  return load_impression_logs({path}, options);
}

ImpressionLog load_impression_logs(const std::vector<std::filesystem::path>& files,
                                   const ImpressionLogOptions& options) {
  ImpressionLog log;
  Collected collected;
  for (std::size_t file = 0; file < files.size(); ++file) {
    read_file(files[file], file, options, collected);
  }
  join_clicks(collected, files, log);
  const auto& impressions = collected.impressions;

  log.schema = options.schema ? *options.schema : fit_schema(impressions);
  auto& feedback = log.feedback;
  feedback.context.resize(static_cast<Eigen::Index>(impressions.size()), log.schema.dimension());
  std::vector<std::string_view> raw(log.schema.features().size());
  Eigen::Index row = 0;
  for (const auto& impression : impressions) {
    std::string missing;
    for (std::size_t f = 0; f < raw.size(); ++f) {
      const auto value = feature_value(impression, log.schema.features()[f]);
      if (!value) {
        missing = log.schema.features()[f].name;
        break;
      }
      raw[f] = *value;
    }
    if (!missing.empty()) {
      collected.issues.push_back({impression.file, impression.line, "impression lacks feature '" + missing + "'"});
      continue;
    }
    try {
      log.schema.encode(raw, {feedback.context.row(row).data(), static_cast<std::size_t>(feedback.context.cols())});
    } catch (const FeatureError& error) {
      collected.issues.push_back({impression.file, impression.line, error.what()});
      continue;
    }
    feedback.action.push_back(impression.arm);
    feedback.position.push_back(impression.position);
    feedback.reward.push_back(impression.clicked ? 1.0 : 0.0);
    log.clicks += impression.clicked ? 1 : 0;
    feedback.pscore.push_back(impression.propensity);
    feedback.n_arms = std::max(feedback.n_arms, impression.arm + 1);
    feedback.len_list = std::max(feedback.len_list, impression.position + 1);
    log.decision.push_back(impression.decision);
    log.arm_id.push_back(impression.arm_id);
    ++row;
  }
  feedback.context.conservativeResize(row, log.schema.dimension());
  log.skipped = issues_by_line(std::move(collected.issues), files);
  return log;
}

std::string impression_log_file_name(std::string_view category) {
  std::string name(category);
  for (auto& c : name) {
    const bool kept =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!kept) c = '_';
  }
  return (name.empty() ? "_" : name) + ".jsonl";
}

std::vector<std::filesystem::path> impression_log_files(const std::vector<std::filesystem::path>& folders,
                                                        std::string_view category) {
  std::vector<std::filesystem::path> files;
  for (const auto& folder : folders) {
    auto file = folder / impression_log_file_name(category);
    std::error_code error;
    if (std::filesystem::is_regular_file(file, error)) files.push_back(std::move(file));
  }
  return files;
}

}  // namespace backdrop::bandit
