#pragma once
// The SHA-256 of a file's content, read once per version of the file: remembered per (canonical
// path, size, modification time in ns) in memory and in a small file in the user's cache folder
// (user_cache_dir.h), so that neither the next plan nor the next process (another `backdrop
// worker`, tomorrow's Studio) reads gigabytes of weights again. Like make and rsync, it trusts the
// stamp: a file rewritten with the same size and modification time keeps its old hash.
//
// Any number of threads may ask at once. Files are read one at a time (reading is bound by the
// disk anyway), so a thread asking for a file another thread is reading waits for its hash.
// Several processes share the cache file: each rewrites it whole through a rename, so a reader
// never sees a torn file, and at worst an entry another process wrote at the same moment is lost
// (and hashed again). A cache file that is missing, unreadable or damaged, or a cache folder that
// cannot be written, costs hashing again, never an error.

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

#include "core/generation/content_hash_file.h"

namespace backdrop {

class ContentHashCache {
 public:
  // `file`: where the hashes persist; empty keeps them in memory only.
  explicit ContentHashCache(std::filesystem::path file);

  // Lowercase hex. Throws StoreError naming a file that cannot be read.
  std::string sha256(const std::filesystem::path& file);

 private:
  std::optional<std::string> in_memory(const std::string& path, const FileStamp& stamp);
  std::optional<std::string> on_disk(const std::string& path, const FileStamp& stamp);
  void remember(const std::string& path, const ContentHash& hash);
  void persist();

  const std::filesystem::path file_;
  std::mutex hashing_;  // held while a file is read, so that no file is read twice at once
  std::mutex mutex_;    // guards hashes_
  ContentHashes hashes_;
};

// The hash through this process's one cache, kept in <user_cache_dir()>/content-hashes.tsv (in
// memory only when there is no such folder). The folder is looked up on the first call.
std::string file_content_sha256(const std::filesystem::path& file);

}  // namespace backdrop
