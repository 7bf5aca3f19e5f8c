#pragma once
// The on-disk form of the content hash cache (content_hash_cache.h): a small text file of one
// "<sha256>\t<size>\t<mtime_ns>\t<canonical path>" line per file after a version line. It is a
// cache, not a record: reading skips what it cannot parse, and the caller may ignore failed writes.

#include <compare>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace backdrop {

// What identifies one version of a file without reading it.
struct FileStamp {
  std::uintmax_t size = 0;
  std::int64_t modified_ns = 0;  // since the Unix epoch
  auto operator<=>(const FileStamp&) const = default;
};

// The stamp of the regular file now; empty when there is none (gone, not permitted, a folder).
std::optional<FileStamp> file_stamp(const std::filesystem::path& file);

struct ContentHash {
  FileStamp stamp;
  std::string sha256;
};

// By canonical path.
using ContentHashes = std::map<std::string, ContentHash>;

// The entries of `file`; none when it is missing, unreadable or of another version. Lines that do
// not parse (a file cut short by a crash of an older writer, an edit by hand) are skipped.
ContentHashes read_content_hashes(const std::filesystem::path& file);

// Replaces `file` whole (through a temporary and a rename, so that a reader in another process
// sees the old or the new file, never a mix). Throws FileWriteError.
void write_content_hashes(const std::filesystem::path& file, const ContentHashes& hashes);

}  // namespace backdrop
