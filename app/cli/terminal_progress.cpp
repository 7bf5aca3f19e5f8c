#include "app/cli/terminal_progress.h"

#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <string>

namespace backdrop::cli {

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

ProgressSink terminal_progress() {
  if (!stderr_is_terminal()) return {};
  // Worker threads may report concurrently; one line is drawn at a time.
  auto mutex = std::make_shared<std::mutex>();
  return [mutex](const Progress& progress) {
    const std::lock_guard lock(*mutex);
    if (progress.total > 0) {
      constexpr int kWidth = 30;
      const auto filled = static_cast<int>(kWidth * progress.done / progress.total);
      std::fprintf(stderr, "\r%-28.28s [%s%s] %3lld%% (%lld/%lld)", progress.message.c_str(),
                   std::string(static_cast<std::size_t>(filled), '#').c_str(),
                   std::string(static_cast<std::size_t>(kWidth - filled), ' ').c_str(),
                   static_cast<long long>(100 * progress.done / progress.total), static_cast<long long>(progress.done),
                   static_cast<long long>(progress.total));
      if (progress.done >= progress.total) std::fputc('\n', stderr);
    } else {
      std::fprintf(stderr, "\r%-28.28s %lld", progress.message.c_str(), static_cast<long long>(progress.done));
    }
    std::fflush(stderr);
  };
}

}  // namespace backdrop::cli
