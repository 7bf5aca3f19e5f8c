#pragma once
// What the imaging benchmarks share: wall-clock and thread CPU timers, percentiles, and the
// products folder they read (argv[1], else $BACKDROP_PRODUCTS, else the build's shared data).

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <vector>

namespace backdrop::bench {

using Clock = std::chrono::steady_clock;

inline double milliseconds_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// This thread's CPU time: meaningful on a machine shared with other work, where the wall clock
// mostly measures waiting.
inline double thread_cpu_milliseconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1e3 + now.tv_nsec / 1e6;
}

inline double percentile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[static_cast<size_t>(q * (values.size() - 1))];
}

inline std::filesystem::path products_folder(int argc, char** argv) {
  if (argc > 1) return argv[1];
  if (const char* env = std::getenv("BACKDROP_PRODUCTS"); env != nullptr && *env != '\0') return env;
  return std::filesystem::path(BACKDROP_SHARED_DIR) / "data" / "products";
}

}  // namespace backdrop::bench
