#include "core/rendering/project_artifact_thresholds.h"

#include <stdexcept>
#include <string>

#include "core/store/project.h"

namespace backdrop {
namespace {

constexpr const char* kObjectExpansion = "artifacts.object_expansion";
constexpr const char* kEdgeContinuation = "artifacts.edge_continuation";

}  // namespace

backgrounds::ArtifactThresholds load_artifact_thresholds(Project& project) {
  backgrounds::ArtifactThresholds thresholds;
  auto settings = project.settings();
  thresholds.object_expansion = settings.get_number(kObjectExpansion).value_or(thresholds.object_expansion);
  thresholds.edge_continuation = settings.get_number(kEdgeContinuation).value_or(thresholds.edge_continuation);
  return thresholds;
}

void save_artifact_thresholds(Project& project, const backgrounds::ArtifactThresholds& thresholds) {
  for (const auto& [name, value] : {std::pair{"object expansion", thresholds.object_expansion},
                                    std::pair{"edge continuation", thresholds.edge_continuation}}) {
    if (!(value >= 0)) {
      throw std::invalid_argument(std::string("the ") + name + " threshold must be 0 or more, not " +
                                  std::to_string(value));
    }
  }
  auto settings = project.settings();
  settings.set_number(kObjectExpansion, thresholds.object_expansion);
  settings.set_number(kEdgeContinuation, thresholds.edge_continuation);
}

}  // namespace backdrop
