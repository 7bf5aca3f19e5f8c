#include "core/serving/experiment_groups.h"

namespace backdrop::serving {

const std::vector<GroupImage>* ServedGroup::images_at(std::string_view product, std::string_view placement) const {
  const auto found_product = images.find(product);
  if (found_product == images.end()) return nullptr;
  const auto found = found_product->second.find(placement);
  if (found == found_product->second.end() || found->second.empty()) return nullptr;
  return &found->second;
}

ServedExperiment::ServedExperiment(const exporting::CategoryBundle& category)
    : experiment_(&category.experiment.value()), assigner_(*experiment_) {
  for (const auto& group : experiment_->groups) {
    ServedGroup served{&group, experiment::kind_name(group.kind), {}};
    const auto images = category.group_images.find(group.name);
    if (images != category.group_images.end()) {
      for (const auto& [product, keys] : images->second) {
        for (const auto& [key, placements] : keys) {
          for (const auto& [placement, image] : placements) {
            served.images[product][placement].push_back({key, image});
          }
        }
      }
    }
    groups_.push_back(std::move(served));
  }
}

GroupChoice ServedExperiment::choose(const std::optional<std::string_view>& user_id, double draw) const {
  if (user_id) return {&groups_[assigner_.group_of_user(*user_id)], true};
  return {&groups_[assigner_.group_at(draw)], false};
}

std::optional<std::string_view> user_id_of(const nlohmann::json& context, std::string& buffer) {
  if (!context.is_object()) return std::nullopt;
  const auto user = context.find("user");
  if (user == context.end() || !user->is_object()) return std::nullopt;
  const auto id = user->find("id");
  if (id == user->end()) return std::nullopt;
  if (id->is_string()) return std::string_view(id->get_ref<const std::string&>());
  if (id->is_number_unsigned()) {
    buffer = std::to_string(id->get<uint64_t>());
  } else if (id->is_number_integer()) {
    buffer = std::to_string(id->get<int64_t>());
  } else if (id->is_number()) {
    buffer = id->dump();
  } else {
    return std::nullopt;
  }
  return std::string_view(buffer);
}

}  // namespace backdrop::serving
