#pragma once
// Writing whole files with every write and the close checked, so a full disk (or a failing network
// file system) is an error naming the file and the reason, never a file cut short. The one way the
// project writes a file's bytes; core/store/durable_file.h adds fsync for what must survive a
// power cut.

#include <filesystem>
#include <stdexcept>
#include <string_view>

namespace backdrop {

// "<file>: write: No space left on device".
class FileWriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writes `bytes` to `path` (created or truncated). On failure the file is removed and
// FileWriteError names it and the system's reason.
void write_file(const std::filesystem::path& path, std::string_view bytes);

// Replaces `path` with `bytes` through a temporary next to it, renamed over it once written whole:
// a failure leaves the previous file as it was and no temporary. Not synced to disk.
void replace_file(const std::filesystem::path& path, std::string_view bytes);

// The temporary name replace_file() and the durable writers use beside `path`: unique per
// process and call ("<name>.tmp-<pid>-<serial>").
std::filesystem::path temporary_beside(const std::filesystem::path& path);

}  // namespace backdrop
