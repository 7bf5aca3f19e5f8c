#include "core/store/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/common/file_write.h"
#include "core/store/store_error.h"

namespace backdrop {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const char* operation) {
  throw StoreError(path.string() + ": " + operation + ": " + std::strerror(errno));
}

}  // namespace

void fsync_path(const std::filesystem::path& path) {
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) fail(path, "open for fsync");
  const int result = ::fsync(descriptor);
  const int saved = errno;
  ::close(descriptor);
  errno = saved;
  if (result != 0) fail(path, "fsync");
}

void publish_file(const std::filesystem::path& temporary, const std::filesystem::path& final_path) {
  fsync_path(temporary);
  if (std::rename(temporary.c_str(), final_path.c_str()) != 0) fail(final_path, "rename into place");
  const auto folder = final_path.has_parent_path() ? final_path.parent_path() : std::filesystem::path(".");
  fsync_path(folder);
}

void write_file_durably(const std::filesystem::path& final_path, std::string_view bytes) {
  const auto temporary = temporary_beside(final_path);
  try {
    try {
      write_file(temporary, bytes);
    } catch (const FileWriteError& error) {
      throw StoreError(error.what());
    }
    publish_file(temporary, final_path);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);  // a failed write leaves no temporary behind
    throw;
  }
}

}  // namespace backdrop
