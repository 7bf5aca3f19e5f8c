#pragma once
// The artifact scores above which a project flags its variants for review (project settings
// "artifacts.object_expansion" and "artifacts.edge_continuation"; core's defaults where unset).
// The renderer measures; the project decides: a team that finds the check too strict or too lax
// for its catalogue tunes it once, and every result collected into the project, from the Studio or
// from workers, is flagged by the same thresholds.

#include "core/backgrounds/artifact_score.h"

namespace backdrop {

class Project;

// Throws StoreError naming the project file and key for a stored value that is not a number.
backgrounds::ArtifactThresholds load_artifact_thresholds(Project& project);
// Throws std::invalid_argument for a negative threshold.
void save_artifact_thresholds(Project& project, const backgrounds::ArtifactThresholds& thresholds);

}  // namespace backdrop
