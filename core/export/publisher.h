#pragma once
// Publishing bundles to a target folder (local or a network file system) that backdrop-serve and
// a CDN read from. Layout (backdrop-serve relies on it):
//
//   <target>/versions/<version>/      a bundle folder (bundle.h)
//   <target>/versions/<version>.tar   the same bundle as one file
//   <target>/CURRENT                  the serving version's name and a newline
//
// publish() builds the bundle under versions/.incoming-<random>/ (the version is known only once
// the content is), syncs it to disk, verifies it with load_bundle(), renames it to
// versions/<version> and only then replaces CURRENT atomically (CURRENT.tmp-<random>, fsync,
// rename). A failure or cancellation at any step leaves CURRENT and the serving version as they
// were and removes what it wrote; staging folders of publishers that were killed are removed by a
// later publish once they are an hour old. One publisher at a time per target: nothing locks it.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/common/cancellation.h"
#include "core/export/bundle_builder.h"

namespace backdrop::exporting {

struct PublishOptions {
  int keep_versions = 5;  // versions kept after a publish, the new current one included
  // Called with each step's name ("build", "sync", "verify", "activate", "switch", "prune") before
  // it runs; throwing from it fails the publish there (tests use it to fail midway).
  std::function<void(const std::string& step)> before_step;
};

struct PublishResult {
  BuildResult build;
  std::string version;
  std::filesystem::path folder;               // <target>/versions/<version>
  std::vector<std::string> removed_versions;  // by retention
  std::string prune_error;                    // why pruning failed (the publish itself succeeded)
};

// Builds the project's bundle into `target` and makes it current. The export is recorded in the
// project once the version is current. Throws BundleError (or Cancelled) with CURRENT unchanged.
PublishResult publish(Project& project, const BundleOptions& options, const std::filesystem::path& target,
                      const PublishOptions& publish_options = {}, const ProgressSink& progress = {},
                      const CancellationToken& cancel = {});

// Makes a kept version current again after verifying it with load_bundle(). Throws BundleError
// (CURRENT unchanged) when the version is not kept or does not verify.
void rollback(const std::filesystem::path& target, const std::string& version);

// The kept versions, oldest first (version names sort by their creation time).
std::vector<std::string> list_versions(const std::filesystem::path& target);

// The version CURRENT names; nullopt when nothing was published. Throws BundleError when CURRENT
// does not hold a valid version name.
std::optional<std::string> current_version(const std::filesystem::path& target);

// <target>/versions/<current version>; throws BundleError when there is none or it is missing.
// The caller verifies it with load_bundle().
std::filesystem::path resolve_current_bundle(const std::filesystem::path& target);

// Keeps `keep` versions: the current one and the newest others; removes the rest (folder and
// .tar) and returns them.
std::vector<std::string> prune_versions(const std::filesystem::path& target, int keep);

}  // namespace backdrop::exporting
