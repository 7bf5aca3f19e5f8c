#pragma once
// SIGINT and SIGTERM stop backdrop-serve gracefully, and they are taken in one known place.
//
// Constructing a StopSignals blocks both signals in the calling thread, so in every thread started
// after it, and starts a thread that takes them with sigwait() and then calls `stop` every 20 ms
// until ended() (stop() before the server runs is lost, hence the repeats). Threads started before
// main() do not block them (OpenBLAS starts its workers when it is loaded): a handler forwards a
// signal delivered there to the waiting thread. No other code runs in a signal handler.
//
// Why not a handler that does the work: ThreadSanitizer runs a handler only when the thread it
// interrupted reaches a call TSan intercepts; a SIGTERM handed to a thread parked in a library was
// never handled, and the server did not stop.

#include <atomic>
#include <functional>
#include <thread>

namespace backdrop::serve {

class StopSignals {
 public:
  explicit StopSignals(std::function<void()> stop);
  ~StopSignals();  // ends the waiting thread if no signal came, and joins it
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // The server has stopped (on a signal or on its own): stop() is not called again.
  void ended() { ended_ = true; }

 private:
  void wait_then_stop();

  std::function<void()> stop_;
  std::atomic<bool> ended_{false};
  std::thread waiter_;
};

}  // namespace backdrop::serve
