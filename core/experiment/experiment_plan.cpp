#include "core/experiment/experiment_plan.h"

#include <array>
#include <cmath>
#include <fstream>
#include <iterator>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/common/json_where.h"

namespace backdrop::experiment {
namespace {

using nlohmann::json;
using Where = JsonWhere<PlanError>;

constexpr std::array<std::pair<GroupKind, std::string_view>, 5> kKindNames{{
    {GroupKind::original, "original"},
    {GroupKind::white, "white"},
    {GroupKind::random_prompt, "random-prompt"},
    {GroupKind::personalised, "personalised"},
    {GroupKind::previous_bundle, "previous-bundle"},
}};

std::string kind_list() {
  std::string list;
  for (const auto& [kind, name] : kKindNames) list += (list.empty() ? "" : ", ") + std::string(name);
  return list;
}

// Keys outside the schema are mistakes (a misspelt "share" would otherwise read as missing).
void reject_unknown_keys(const json& object, std::initializer_list<std::string_view> known, const Where& where) {
  for (const auto& [key, value] : object.items()) {
    bool found = false;
    for (const auto name : known) found = found || key == name;
    if (!found) where.key(key).fail("unknown key");
  }
}

std::string require_nonempty(const json& object, const std::string& name, const Where& where) {
  auto text = require_string(object, name, where);
  if (text.empty()) where.key(name).fail("must not be empty");
  return text;
}

ExperimentGroup group_from_json(const json& entry, const Where& where) {
  if (!entry.is_object()) where.fail("expected an object");
  reject_unknown_keys(entry, {"name", "kind", "share", "bundle"}, where);
  ExperimentGroup group;
  group.name = require_nonempty(entry, "name", where);
  const auto kind = require_string(entry, "kind", where);
  const auto parsed = parse_kind(kind);
  if (!parsed) where.key("kind").fail("'" + kind + "' is not a group kind (" + kind_list() + ")");
  group.kind = *parsed;
  group.share = require_number(entry, "share", where);
  if (!(group.share > 0.0 && group.share <= 1.0))
    where.key("share").fail("must be in (0, 1], found " + entry["share"].dump());
  if (group.kind == GroupKind::previous_bundle) {
    group.bundle = require_nonempty(entry, "bundle", where);
  } else if (entry.contains("bundle")) {
    where.key("bundle").fail("only a previous-bundle group names a bundle");
  }
  return group;
}

std::vector<ExperimentGroup> groups_from_json(const json& groups, const Where& where) {
  if (!groups.is_array() || groups.empty()) where.fail("expected a non-empty list of groups");
  std::vector<ExperimentGroup> result;
  std::set<std::string> names;
  double total = 0.0;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    auto group = group_from_json(groups[i], where.index(i));
    if (!names.insert(group.name).second) where.index(i).key("name").fail("'" + group.name + "' names two groups");
    total += group.share;
    result.push_back(std::move(group));
  }
  if (std::abs(total - 1.0) > kShareTolerance) {
    where.fail("the shares sum to " + json(total).dump() + ", they must sum to 1");
  }
  return result;
}

Experiment experiment_at(const json& entry, const Where& where) {
  if (!entry.is_object()) where.fail("expected an object");
  reject_unknown_keys(entry, {"id", "salt", "category", "control", "groups"}, where);
  Experiment experiment;
  experiment.id = require_nonempty(entry, "id", where);
  experiment.salt = require_string(entry, "salt", where);
  experiment.category = require_nonempty(entry, "category", where);
  experiment.groups = groups_from_json(require(entry, "groups", where), where.key("groups"));
  if (entry.contains("control")) {
    experiment.control = require_string(entry, "control", where);
    if (!experiment.group(experiment.control)) {
      where.key("control").fail("'" + experiment.control + "' is not one of the groups");
    }
  } else {
    experiment.control = default_control(experiment.groups);
  }
  return experiment;
}

}  // namespace

std::string_view kind_name(GroupKind kind) {
  for (const auto& [candidate, name] : kKindNames) {
    if (candidate == kind) return name;
  }
  return "unknown";
}

std::optional<GroupKind> parse_kind(std::string_view name) {
  for (const auto& [kind, candidate] : kKindNames) {
    if (candidate == name) return kind;
  }
  return std::nullopt;
}

const ExperimentGroup* Experiment::group(std::string_view name) const {
  for (const auto& candidate : groups) {
    if (candidate.name == name) return &candidate;
  }
  return nullptr;
}

const Experiment* ExperimentPlan::for_category(std::string_view category) const {
  const Experiment* every = nullptr;
  for (const auto& experiment : experiments) {
    if (experiment.category == category) return &experiment;
    if (experiment.category == kEveryCategory) every = &experiment;
  }
  return every;
}

std::string default_control(const std::vector<ExperimentGroup>& groups) {
  const auto first_of = [&](std::initializer_list<GroupKind> kinds) -> const ExperimentGroup* {
    for (const auto& group : groups) {
      for (const auto kind : kinds) {
        if (group.kind == kind) return &group;
      }
    }
    return nullptr;
  };
  for (const auto kinds : {std::initializer_list<GroupKind>{GroupKind::original, GroupKind::white},
                           {GroupKind::random_prompt},
                           {GroupKind::previous_bundle}}) {
    if (const auto* group = first_of(kinds)) return group->name;
  }
  return groups.empty() ? std::string() : groups.front().name;
}

Experiment experiment_from_json(const json& json_experiment, const std::string& origin) {
  return experiment_at(json_experiment, Where(origin));
}

ExperimentPlan plan_from_json(const json& document, const std::string& origin) {
  const Where where(origin);
  if (!document.is_object()) where.fail("expected an object with \"experiments\"");
  reject_unknown_keys(document, {"experiments"}, where);
  const auto& experiments = require(document, "experiments", where);
  if (!experiments.is_array()) where.key("experiments").fail("expected a list");
  ExperimentPlan plan;
  std::set<std::string> ids, categories;
  for (std::size_t i = 0; i < experiments.size(); ++i) {
    const auto at = where.key("experiments").index(i);
    auto experiment = experiment_at(experiments[i], at);
    if (!ids.insert(experiment.id).second) at.key("id").fail("'" + experiment.id + "' names two experiments");
    if (!categories.insert(experiment.category).second) {
      at.key("category").fail("'" + experiment.category + "' has two experiments");
    }
    plan.experiments.push_back(std::move(experiment));
  }
  return plan;
}

json experiment_to_json(const Experiment& experiment) {
  auto groups = json::array();
  for (const auto& group : experiment.groups) {
    json entry = {{"name", group.name}, {"kind", std::string(kind_name(group.kind))}, {"share", group.share}};
    if (group.kind == GroupKind::previous_bundle) entry["bundle"] = group.bundle;
    groups.push_back(std::move(entry));
  }
  return {{"id", experiment.id},
          {"salt", experiment.salt},
          {"category", experiment.category},
          {"control", experiment.control},
          {"groups", std::move(groups)}};
}

json plan_to_json(const ExperimentPlan& plan) {
  auto experiments = json::array();
  for (const auto& experiment : plan.experiments) experiments.push_back(experiment_to_json(experiment));
  return {{"experiments", std::move(experiments)}};
}

ExperimentPlan read_plan_file(const std::filesystem::path& file) {
  const auto name = file.string();
  std::ifstream in(file, std::ios::binary);
  if (!in) throw PlanError(name + ": cannot open");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  json document;
  try {
    document = json::parse(text);
  } catch (const json::exception& error) {
    throw PlanError(name + ": not valid JSON (" + error.what() + ")");
  }
  return plan_from_json(document, name);
}

std::string describe(const Experiment& experiment) {
  std::string text =
      experiment.id + " on " + (experiment.category == kEveryCategory ? "every category" : experiment.category) + ":";
  for (std::size_t i = 0; i < experiment.groups.size(); ++i) {
    const auto& group = experiment.groups[i];
    char share[32];
    std::snprintf(share, sizeof share, "%g%%", group.share * 100.0);
    text += (i == 0 ? " " : ", ") + group.name + " (" + std::string(kind_name(group.kind));
    if (group.kind == GroupKind::previous_bundle) text += " " + group.bundle;
    text += ") " + std::string(share);
    if (group.name == experiment.control) text += " control";
  }
  return text;
}

}  // namespace backdrop::experiment
