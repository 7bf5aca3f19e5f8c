#pragma once
// Building a push bundle from a project: plan_bundle() decides what ships, this writes it.
//
//   const auto result = build_bundle(project, options, out / "bundle", out / "bundle.tar");
//   // result.manifest.version names it; the project's export history records it.

#include <filesystem>
#include <string>

#include "core/common/cancellation.h"
#include "core/export/bundle.h"
#include "core/export/bundle_plan.h"

namespace backdrop {
class Project;
}

namespace backdrop::exporting {

struct BuildResult {
  BundlePlan plan;
  BundleManifest manifest;
  std::filesystem::path folder;
  std::filesystem::path tar_file;  // empty when none was asked for
  uint64_t image_bytes = 0;        // total size of the distinct encoded images
};

// Writes the bundle of `plan_bundle(project, options)` into `folder` (created; it must not exist)
// and, when `tar_file` is not empty, a .tar of it whose top folder is the version. Images are read
// from the project's cache and re-encoded at the options' format and quality. When
// `record_export` is set the export is recorded in the project with the folder as destination.
// A failure or cancellation removes the folder and the tar and rethrows (Cancelled on cancel).
BuildResult build_bundle(Project& project, const BundleOptions& options, const std::filesystem::path& folder,
                         const std::filesystem::path& tar_file, const ProgressSink& progress = {},
                         const CancellationToken& cancel = {}, bool record_export = true);

// Adds the bundle to the project's export history: destination, image format, image count, the
// SHA-256 of manifest.json and the engine version.
void record_bundle_export(Project& project, const BuildResult& result, const std::string& destination);

}  // namespace backdrop::exporting
