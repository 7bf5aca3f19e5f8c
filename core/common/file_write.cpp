#include "core/common/file_write.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

namespace backdrop {
namespace {

// Closes and removes a file whose writing failed, then throws with the saved errno's reason.
[[noreturn]] void fail(const std::filesystem::path& path, const char* operation, int descriptor) {
  const int saved = errno;
  if (descriptor >= 0) ::close(descriptor);
  ::unlink(path.c_str());
  throw FileWriteError(path.string() + ": " + operation + ": " + std::strerror(saved));
}

}  // namespace

void write_file(const std::filesystem::path& path, std::string_view bytes) {
  const int descriptor = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (descriptor < 0) throw FileWriteError(path.string() + ": create: " + std::strerror(errno));
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t result = ::write(descriptor, bytes.data() + written, bytes.size() - written);
    if (result < 0 && errno == EINTR) continue;
    if (result == 0) errno = ENOSPC;  // no progress: treat like a full device rather than spin
    if (result <= 0) fail(path, "write", descriptor);
    written += static_cast<std::size_t>(result);
  }
  // NFS and others report a failed write-back only here.
  if (::close(descriptor) != 0) fail(path, "close", -1);
}

std::filesystem::path temporary_beside(const std::filesystem::path& path) {
  static std::atomic<long> serial{0};  // threads of one process never share a temporary
  auto temporary = path;
  temporary += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(serial.fetch_add(1));
  return temporary;
}

void replace_file(const std::filesystem::path& path, std::string_view bytes) {
  const auto temporary = temporary_beside(path);
  write_file(temporary, bytes);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) fail(temporary, "rename into place", -1);
}

}  // namespace backdrop
