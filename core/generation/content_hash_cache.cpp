#include "core/generation/content_hash_cache.h"

#include <utility>

#include "core/common/file_write.h"
#include "core/common/user_cache_dir.h"
#include "core/store/sha256.h"
#include "core/store/store_error.h"

namespace backdrop {
namespace {

namespace fs = std::filesystem;

// The canonical path names the file however it was reached (relative, through a link), so that
// every way to the same weights finds one entry.
std::pair<std::string, FileStamp> identify(const fs::path& file) {
  std::error_code error;
  const auto canonical = fs::canonical(file, error);
  if (error) throw StoreError(file.string() + ": hash file: " + error.message());
  const auto stamp = file_stamp(canonical);
  if (!stamp) throw StoreError(file.string() + ": hash file: cannot read its size and modification time");
  return {canonical.string(), *stamp};
}

// Entries whose file is gone or has changed since would never match again.
void drop_stale(ContentHashes& hashes) {
  std::erase_if(hashes, [](const auto& entry) { return file_stamp(entry.first) != entry.second.stamp; });
}

fs::path user_content_hash_file() {
  const auto folder = user_cache_dir();
  return folder ? *folder / "content-hashes.tsv" : fs::path();
}

}  // namespace

ContentHashCache::ContentHashCache(fs::path file) : file_(std::move(file)) {
  if (!file_.empty()) hashes_ = read_content_hashes(file_);
}

std::string ContentHashCache::sha256(const fs::path& file) {
  const auto [path, stamp] = identify(file);
  if (auto known = in_memory(path, stamp)) return *known;
  const std::lock_guard hashing(hashing_);
  // Another thread may have hashed it while this one waited, or another process since this cache
  // last read its file.
  if (auto known = in_memory(path, stamp)) return *known;
  if (auto known = on_disk(path, stamp)) return *known;
  auto sha256 = sha256_file_hex(path);
  // A file written while it was read: the stamp taken before names neither version.
  if (file_stamp(path) == stamp) remember(path, {stamp, sha256});
  return sha256;
}

std::optional<std::string> ContentHashCache::in_memory(const std::string& path, const FileStamp& stamp) {
  const std::lock_guard lock(mutex_);
  const auto found = hashes_.find(path);
  if (found == hashes_.end() || found->second.stamp != stamp) return std::nullopt;
  return found->second.sha256;
}

std::optional<std::string> ContentHashCache::on_disk(const std::string& path, const FileStamp& stamp) {
  if (file_.empty()) return std::nullopt;
  const auto disk = read_content_hashes(file_);
  const auto found = disk.find(path);
  if (found == disk.end() || found->second.stamp != stamp) return std::nullopt;
  const std::lock_guard lock(mutex_);
  hashes_.insert_or_assign(path, found->second);
  return found->second.sha256;
}

void ContentHashCache::remember(const std::string& path, const ContentHash& hash) {
  const std::lock_guard lock(mutex_);
  hashes_.insert_or_assign(path, hash);
  persist();
}

// Keeps what other processes wrote meanwhile. Failing to write only costs hashing in the next process.
void ContentHashCache::persist() {
  if (file_.empty()) return;
  auto all = read_content_hashes(file_);
  for (const auto& [path, hash] : hashes_) all.insert_or_assign(path, hash);
  drop_stale(all);
  std::error_code ignored;
  fs::create_directories(file_.parent_path(), ignored);
  try {
    write_content_hashes(file_, all);
  } catch (const FileWriteError&) {
  }
}

std::string file_content_sha256(const fs::path& file) {
  static ContentHashCache cache(user_content_hash_file());
  return cache.sha256(file);
}

}  // namespace backdrop
