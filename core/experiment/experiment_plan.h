#pragma once
// An experiment plan: which categories run an online experiment, with which groups and traffic
// shares. `backdrop push --experiment FILE` and the Studio push dialog read it; the push bundle
// stores each category's experiment in its category file; backdrop-serve assigns users to the
// groups (group_assignment.h) and logs the group with every impression.
//
//   {"experiments": [
//     {"id": "phase3-2026-12", "salt": "s3cr3t", "category": "apparel", "control": "random",
//      "groups": [{"name": "original", "kind": "original", "share": 0.05},
//                 {"name": "random", "kind": "random-prompt", "share": 0.05},
//                 {"name": "personalised", "kind": "personalised", "share": 0.90}]}]}
//
// The JSON Schema is resources/schemas/experiment-plan.schema.json. Reading checks everything the
// schema does and what it cannot: the shares sum to 1 (within 1e-9), group names are unique, the
// control names a group, a previous-bundle group names a valid version, a category has at most one
// experiment. Errors are PlanError: "<origin>: <key path>: <problem>", e.g.
// "plan.json: experiments[0].groups[2].share: must be in (0, 1], found 1.5".

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace backdrop::experiment {

class PlanError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How a group's image is chosen.
enum class GroupKind {
  original,         // the catalogue photo placed on the placement's canvas, as baseline ads use it
  white,            // the segmented product on white
  random_prompt,    // uniform over the approved prompts (arms) with an image there
  personalised,     // LinUCB, as without an experiment
  previous_bundle,  // the images of an earlier bundle version, kept in the new bundle
};

// "original", "white", "random-prompt", "personalised", "previous-bundle".
std::string_view kind_name(GroupKind kind);
std::optional<GroupKind> parse_kind(std::string_view name);

struct ExperimentGroup {
  std::string name;
  GroupKind kind = GroupKind::personalised;
  double share = 0.0;  // (0, 1]; a plan's shares sum to 1
  std::string bundle;  // previous-bundle: the earlier version whose images it shows
  bool operator==(const ExperimentGroup&) const = default;
};

inline constexpr const char* kEveryCategory = "*";
inline constexpr double kShareTolerance = 1e-9;

struct Experiment {
  std::string id;
  std::string salt;
  std::string category;  // a category name, or "*" for every category
  std::string control;   // a group's name (filled in by the reader when the plan has none)
  std::vector<ExperimentGroup> groups;

  const ExperimentGroup* group(std::string_view name) const;
  bool operator==(const Experiment&) const = default;
};

struct ExperimentPlan {
  std::vector<Experiment> experiments;

  // The experiment of `category`: the one naming it, else the one for "*"; nullptr when none.
  const Experiment* for_category(std::string_view category) const;
};

// The control when the plan names none: the first group of kind original or white, else
// random-prompt, else previous-bundle, else the first group.
std::string default_control(const std::vector<ExperimentGroup>& groups);

// JSON <-> structs. Throws PlanError naming `origin` and the key.
ExperimentPlan plan_from_json(const nlohmann::json& json, const std::string& origin);
nlohmann::json plan_to_json(const ExperimentPlan& plan);
// One experiment (as a category file of the bundle stores it); `origin` may end in a key path.
Experiment experiment_from_json(const nlohmann::json& json, const std::string& origin);
nlohmann::json experiment_to_json(const Experiment& experiment);

// Reads and checks a plan file; errors name the file.
ExperimentPlan read_plan_file(const std::filesystem::path& file);

// One line per experiment for summaries: "phase3 on apparel: original 5%, random 5% (control), ...".
std::string describe(const Experiment& experiment);

}  // namespace backdrop::experiment
