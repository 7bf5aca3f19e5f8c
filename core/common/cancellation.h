#pragma once
// Progress reporting and cancellation for long work (preparation, generation, evaluation, export).
// Long operations take a `ProgressSink` and check a `CancellationToken` between units of work, so
// the GUI, the CLI's progress bar and batch workers all drive the same engine code.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace backdrop {

// Thrown by operations that stopped because they were asked to; callers tell it from failures.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("cancelled") {}
};

// Shared flag: the owner calls cancel(), the worker calls throw_if_cancelled() between steps.
class CancellationToken {
 public:
  CancellationToken();
  void cancel() const;
  bool cancelled() const;
  void throw_if_cancelled() const;

 private:
  std::shared_ptr<std::atomic<bool>> flag_;
};

struct Progress {
  int64_t done = 0;
  int64_t total = 0;
  std::string message;
};

// Receives progress updates; may be called from worker threads.
using ProgressSink = std::function<void(const Progress&)>;

}  // namespace backdrop
