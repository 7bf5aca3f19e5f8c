#include "app/serve/stop_signals.h"

#include <pthread.h>
#include <signal.h>

#include <chrono>

#include <spdlog/spdlog.h>

namespace backdrop::serve {
namespace {

sigset_t stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

// The thread in sigwait(), for the forwarding handler (lock-free atomics and pthread_kill() are
// async-signal-safe).
std::atomic<bool> has_waiter{false};
std::atomic<pthread_t> waiter_thread{};

extern "C" void forward_to_waiter(int signal) {
  if (has_waiter.load()) pthread_kill(waiter_thread.load(), signal);
}

void install_forwarding_handler() {
  struct sigaction action {};
  action.sa_handler = forward_to_waiter;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

}  // namespace

StopSignals::StopSignals(std::function<void()> stop) : stop_(std::move(stop)) {
  const auto signals = stop_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  waiter_ = std::thread([this] { wait_then_stop(); });
  waiter_thread = waiter_.native_handle();
  has_waiter = true;
  install_forwarding_handler();
}

StopSignals::~StopSignals() {
  ended_ = true;
  has_waiter = false;
  // Pending for the waiter, which is blocking it: its sigwait() returns. Discarded if it has
  // already returned.
  pthread_kill(waiter_.native_handle(), SIGTERM);
  waiter_.join();
}

void StopSignals::wait_then_stop() {
  const auto signals = stop_signals();
  int signal = 0;
  sigwait(&signals, &signal);
  if (ended_) return;
  spdlog::info("stopping: requests in flight finish, logs are flushed");
  while (!ended_) {
    stop_();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace backdrop::serve
