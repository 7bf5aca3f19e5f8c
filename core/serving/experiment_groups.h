#pragma once
// A category's online experiment on the request path: which group a request falls in and, for the
// groups that show images of their own (original, white, previous-bundle), which images those are.
//
// Assignment (core/experiment/group_assignment.h): a request whose context carries a user id
// (context.user.id, a string, or a number taken as its decimal text) gets the user's sticky group,
// a hash of (salt, experiment id, user id); one without gets a group drawn by the shares for this
// request alone, and is logged as "unassigned". Built once per bundle load, read without locks.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/experiment/group_assignment.h"
#include "core/export/bundle.h"

namespace backdrop::serving {

struct GroupImage {
  std::string key;    // the group kind (original, white) or the earlier version's arm id
  std::string image;  // relative to the bundle folder
};

struct ServedGroup {
  const experiment::ExperimentGroup* group = nullptr;  // owned by the bundle
  std::string_view kind;                               // kind_name(group->kind)
  // original, white, previous-bundle: product -> placement -> the group's images there
  std::map<std::string, std::map<std::string, std::vector<GroupImage>, std::less<>>, std::less<>> images;

  // The group's images of the product at the placement; nullptr when it has none there.
  const std::vector<GroupImage>* images_at(std::string_view product, std::string_view placement) const;
};

struct GroupChoice {
  const ServedGroup* group = nullptr;
  bool assigned = false;  // from the user id's hash; false: drawn for this request ("unassigned")
};

class ServedExperiment {
 public:
  // `category` must outlive this (the engine's snapshot holds its bundle).
  explicit ServedExperiment(const exporting::CategoryBundle& category);

  const experiment::Experiment& experiment() const { return *experiment_; }
  // The user's group when `user_id` is set, else the group at `draw` (uniform in [0, 1)).
  GroupChoice choose(const std::optional<std::string_view>& user_id, double draw) const;

 private:
  const experiment::Experiment* experiment_;
  experiment::GroupAssigner assigner_;
  std::vector<ServedGroup> groups_;  // in the experiment's order
};

// context.user.id as text: a string as it is, an integer as its decimal digits, another number as
// JSON writes it; nullopt when absent (or of another type). `buffer` holds the text of numbers.
std::optional<std::string_view> user_id_of(const nlohmann::json& context, std::string& buffer);

}  // namespace backdrop::serving
