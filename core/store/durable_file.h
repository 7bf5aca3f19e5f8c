#pragma once
// Durable publication of files: write under a temporary name, fsync it, rename it into place and
// fsync the folder, so a crash leaves either no file or the whole file, never half of one.

#include <filesystem>
#include <string_view>

namespace backdrop {

// Flushes a file's (or folder's) contents to disk. Throws StoreError naming the path.
void fsync_path(const std::filesystem::path& path);

// Renames `temporary` to `final_path` (atomic on POSIX within one file system) after syncing the
// temporary's contents, then syncs the folder so the new name itself survives a power cut.
void publish_file(const std::filesystem::path& temporary, const std::filesystem::path& final_path);

// Writes `bytes` to `final_path` through a temporary next to it (core/common/file_write.h) and
// publish_file(), so a failure leaves the previous file as it was and no temporary.
void write_file_durably(const std::filesystem::path& final_path, std::string_view bytes);

}  // namespace backdrop
