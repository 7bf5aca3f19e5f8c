#include "core/store/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

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

void write_file(const std::filesystem::path& path, std::string_view bytes) {
  const int descriptor = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (descriptor < 0) fail(path, "create");
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t result = ::write(descriptor, bytes.data() + written, bytes.size() - written);
    if (result < 0 && errno == EINTR) continue;
    if (result <= 0) {
      if (result == 0) errno = ENOSPC;  // no progress: treat like a full device rather than spin
      const int saved = errno;
      ::close(descriptor);
      ::unlink(path.c_str());
      errno = saved;
      fail(path, "write");
    }
    written += static_cast<std::size_t>(result);
  }
  if (::close(descriptor) != 0) {  // NFS and others report a failed write-back only here
    const int saved = errno;
    ::unlink(path.c_str());
    errno = saved;
    fail(path, "close");
  }
}

void write_file_durably(const std::filesystem::path& final_path, std::string_view bytes) {
  auto temporary = final_path;
  static std::atomic<long> serial{0};  // threads of one process never share a temporary
  temporary += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(serial.fetch_add(1));
  try {
    write_file(temporary, bytes);
    publish_file(temporary, final_path);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);  // a failed write leaves no temporary behind
    throw;
  }
}

}  // namespace backdrop
