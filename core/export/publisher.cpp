#include "core/export/publisher.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <random>

#include "core/export/bundle_paths.h"
#include "core/export/bundle_reader.h"
#include "core/store/durable_file.h"
#include "core/store/project.h"
#include "core/store/store_error.h"

namespace backdrop::exporting {
namespace {

namespace fs = std::filesystem;

std::string random_suffix() {
  std::random_device device;
  std::uniform_int_distribution<uint32_t> digit(0, 15);
  std::string suffix;
  for (int i = 0; i < 16; ++i) suffix += "0123456789abcdef"[digit(device)];
  return suffix;
}

constexpr std::size_t kMaxCurrentBytes = 256;
// Staging folders older than this are left over from a publisher that died; younger ones may be
// another publisher's work in progress.
constexpr auto kStaleStagingAge = std::chrono::hours(1);

fs::path versions_dir(const fs::path& target) {
  return target / "versions";
}

// Removes what publishers that were killed midway left in versions/.
void remove_stale_staging(const fs::path& target) {
  const auto now = fs::file_time_type::clock::now();
  for (const auto& entry : fs::directory_iterator(versions_dir(target))) {
    if (entry.path().filename().string().starts_with(".incoming-") &&
        now - entry.last_write_time() > kStaleStagingAge) {
      fs::remove_all(entry.path());
    }
  }
}

void run_step(const PublishOptions& options, const CancellationToken& cancel, const std::string& step) {
  cancel.throw_if_cancelled();
  if (options.before_step) options.before_step(step);
}

// fsync every file and folder under `folder`, then the folder itself, so that a rename of it
// publishes contents that are on disk.
void sync_tree(const fs::path& folder) {
  try {
    for (const auto& entry : fs::recursive_directory_iterator(folder)) fsync_path(entry.path());
    fsync_path(folder);
  } catch (const StoreError& error) {
    throw BundleError(std::string("syncing the bundle: ") + error.what());
  }
}

void sync_file(const fs::path& file) {
  try {
    fsync_path(file);
  } catch (const StoreError& error) {
    throw BundleError(std::string("syncing the bundle: ") + error.what());
  }
}

// Replaces CURRENT atomically: a reader sees the old name or the new one, never a mix.
void switch_current(const fs::path& target, const std::string& version) {
  try {
    write_file_durably(target / "CURRENT", version + "\n");
  } catch (const StoreError& error) {
    throw BundleError(std::string("switching CURRENT: ") + error.what());
  }
}

void require_valid_version(const std::string& version) {
  if (!is_valid_version_name(version)) throw BundleError("'" + version + "' is not a valid version name");
}

void remove_version(const fs::path& target, const std::string& version) {
  std::error_code error;
  fs::remove_all(versions_dir(target) / version, error);
  if (!error) fs::remove(versions_dir(target) / (version + ".tar"), error);
  if (error) throw BundleError(target.string() + ": cannot remove version " + version + " (" + error.message() + ")");
}

// Moves a verified staging folder (and its tar) to versions/<version>. When that version exists
// already (the same content published within the same second) the existing one must verify and
// the staging copy is dropped. Returns whether a new folder was created.
bool activate(const fs::path& target, const fs::path& staging, const fs::path& staging_tar,
              const std::string& version) {
  const auto folder = versions_dir(target) / version;
  if (fs::exists(folder)) {
    load_bundle(folder);
    fs::remove_all(staging);
    if (!fs::exists(folder.string() + ".tar")) fs::rename(staging_tar, folder.string() + ".tar");
    return false;
  }
  fs::rename(staging, folder);
  try {
    fs::rename(staging_tar, folder.string() + ".tar");
    sync_file(versions_dir(target));
  } catch (...) {  // publish() removes only what activate() reports as created
    std::error_code ignored;
    fs::remove_all(folder, ignored);
    fs::remove(folder.string() + ".tar", ignored);
    throw;
  }
  return true;
}

}  // namespace

PublishResult publish(Project& project, const BundleOptions& options, const fs::path& target,
                      const PublishOptions& publish_options, const ProgressSink& progress,
                      const CancellationToken& cancel) {
  if (publish_options.keep_versions < 1) throw BundleError("keep at least one version");
  std::error_code error;
  fs::create_directories(versions_dir(target), error);
  if (error) throw BundleError(versions_dir(target).string() + ": cannot create (" + error.message() + ")");

  const auto staging = versions_dir(target) / (".incoming-" + random_suffix());
  const auto staging_tar = fs::path(staging.string() + ".tar");
  PublishResult result;
  bool created = false;
  try {
    run_step(publish_options, cancel, "build");
    auto build_options = options;
    if (build_options.previous_versions.empty()) build_options.previous_versions = versions_dir(target);
    result.build = build_bundle(project, build_options, staging, staging_tar, progress, cancel, false);
    result.version = result.build.manifest.version;
    result.folder = versions_dir(target) / result.version;
    run_step(publish_options, cancel, "sync");
    sync_tree(staging);
    sync_file(staging_tar);
    run_step(publish_options, cancel, "verify");
    if (load_bundle(staging).manifest.version != result.version)
      throw BundleError(staging.string() + ": version changed on disk");
    run_step(publish_options, cancel, "activate");
    created = activate(target, staging, staging_tar, result.version);
    run_step(publish_options, cancel, "switch");
    switch_current(target, result.version);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
    fs::remove(staging_tar, ignored);
    if (created) {
      try {
        remove_version(target, result.version);
      } catch (const BundleError&) {  // the original failure is the one to report
      }
    }
    try {
      throw;
    } catch (const fs::filesystem_error& failure) {
      throw BundleError("publishing to " + target.string() + ": " + failure.what());
    }
  }
  result.build.folder = result.folder;
  result.build.tar_file = result.folder.string() + ".tar";
  record_bundle_export(project, result.build, result.folder.string());
  // The new version serves from here on; a failure to prune is reported, not undone.
  try {
    if (publish_options.before_step) publish_options.before_step("prune");
    result.removed_versions = prune_versions(target, publish_options.keep_versions);
    remove_stale_staging(target);
  } catch (const std::exception& failure) {
    result.prune_error = failure.what();
  }
  return result;
}

void rollback(const fs::path& target, const std::string& version) {
  require_valid_version(version);
  const auto folder = versions_dir(target) / version;
  if (!fs::is_directory(folder)) throw BundleError(target.string() + ": version " + version + " is not kept there");
  try {
    load_bundle(folder);
  } catch (const BundleError& failure) {
    throw BundleError("refusing to roll back to " + version + ", it does not verify: " + failure.what());
  }
  switch_current(target, version);
}

std::vector<std::string> list_versions(const fs::path& target) {
  std::vector<std::string> versions;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(versions_dir(target), error)) {
    const auto name = entry.path().filename().string();
    if (entry.is_directory() && !entry.is_symlink() && is_valid_version_name(name)) versions.push_back(name);
  }
  std::sort(versions.begin(), versions.end());
  return versions;
}

std::optional<std::string> current_version(const fs::path& target) {
  const auto file = target / "CURRENT";
  if (!fs::exists(file)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) throw BundleError(file.string() + ": cannot read");
  std::string text(kMaxCurrentBytes, '\0');  // a version name and a newline; more is not ours
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  if (!is_valid_version_name(text))
    throw BundleError(file.string() + ": '" + text.substr(0, 80) + "' is not a version name");
  return text;
}

fs::path resolve_current_bundle(const fs::path& target) {
  const auto version = current_version(target);
  if (!version) throw BundleError(target.string() + ": no CURRENT file, nothing has been published");
  auto folder = versions_dir(target) / *version;
  if (!fs::is_directory(folder))
    throw BundleError(target.string() + ": CURRENT names " + *version + ", which is not in versions/");
  return folder;
}

std::vector<std::string> prune_versions(const fs::path& target, int keep) {
  const auto current = current_version(target);
  // The current version counts as the newest whatever its name: names order versions only to the
  // second, and a rollback makes an old one current.
  auto others = list_versions(target);
  std::erase(others, current.value_or(""));
  const auto keep_others = static_cast<std::size_t>(std::max(keep - (current ? 1 : 0), 0));
  std::vector<std::string> removed;
  for (std::size_t i = 0; i + keep_others < others.size(); ++i) {
    remove_version(target, others[i]);
    removed.push_back(others[i]);
  }
  return removed;
}

}  // namespace backdrop::exporting
