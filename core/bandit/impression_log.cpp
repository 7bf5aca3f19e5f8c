#include "core/bandit/impression_log.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/common/json_lines.h"

namespace backdrop::bandit {
namespace {

struct Impression {
  int64_t line;
  std::string decision;
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
  impression.decision = event["decision"].get<std::string>();
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

void read_event(const nlohmann::json& event, int64_t line, std::vector<Impression>& impressions, ImpressionIndex& by_key,
                std::vector<LogIssue>& skipped) {
  const std::string kind = event.value("event", "");
  if (kind == "impression") {
    Impression impression{line, "", 0, 0, 0.0, false, {}};
    if (auto error = parse_impression(event, impression); !error.empty()) {
      skipped.push_back({line, error});
      return;
    }
    const auto key = impression_key(impression.decision, impression.position);
    if (by_key.count(key)) {
      skipped.push_back({line, "decision '" + impression.decision + "' position " + std::to_string(impression.position) +
                                   " logged twice"});
      return;
    }
    by_key[key] = impressions.size();
    impressions.push_back(std::move(impression));
  } else if (kind == "click") {
    const auto decision = event.value("decision", "");
    const auto position = index_field(event, "position", 0, kMaxSlotIndex);
    if (!position) {
      skipped.push_back({line, "click: 'position' is not a slot index in [0, " + std::to_string(kMaxSlotIndex) + "]"});
      return;
    }
    const auto found = by_key.find(impression_key(decision, *position));
    if (found == by_key.end()) {
      skipped.push_back({line, "click for decision '" + decision + "' with no earlier impression"});
    } else {
      impressions[found->second].clicked = true;
    }
  } else {
    skipped.push_back({line, "unknown event '" + kind + "' (impression or click)"});
  }
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
  ImpressionLog log;
  std::vector<Impression> impressions;
  ImpressionIndex by_key;
  JsonLinesHandlers handlers;
  handlers.object = [&](int64_t line, const nlohmann::json& event) {
    read_event(event, line, impressions, by_key, log.skipped);
  };
  handlers.bad_line = [&](int64_t line, std::string message) { log.skipped.push_back({line, std::move(message)}); };
  handlers.progress = options.progress;
  handlers.cancel = options.cancel;
  if (!read_json_lines(path, handlers)) throw LogError(path.string() + ": cannot open");

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
      log.skipped.push_back({impression.line, "impression lacks feature '" + missing + "'"});
      continue;
    }
    try {
      log.schema.encode(raw, {feedback.context.row(row).data(), static_cast<std::size_t>(feedback.context.cols())});
    } catch (const FeatureError& error) {
      log.skipped.push_back({impression.line, error.what()});
      continue;
    }
    feedback.action.push_back(impression.arm);
    feedback.position.push_back(impression.position);
    feedback.reward.push_back(impression.clicked ? 1.0 : 0.0);
    feedback.pscore.push_back(impression.propensity);
    feedback.n_arms = std::max(feedback.n_arms, impression.arm + 1);
    feedback.len_list = std::max(feedback.len_list, impression.position + 1);
    log.decision.push_back(impression.decision);
    ++row;
  }
  feedback.context.conservativeResize(row, log.schema.dimension());
  std::sort(log.skipped.begin(), log.skipped.end(), [](const auto& a, const auto& b) { return a.line < b.line; });
  return log;
}

}  // namespace backdrop::bandit
