#include "app/cli/interrupt.h"

#include <csignal>

namespace backdrop::cli {
namespace {

// A signal handler reaches only globals; the token is made before a handler is installed.
CancellationToken& interrupt_token() {
  static CancellationToken token;
  return token;
}

extern "C" void cancel_on_signal(int) { interrupt_token().cancel(); }

}  // namespace

CancelOnInterrupt::CancelOnInterrupt() {
  interrupt_token();
  std::signal(SIGINT, cancel_on_signal);
  std::signal(SIGTERM, cancel_on_signal);
}

CancelOnInterrupt::~CancelOnInterrupt() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

const CancellationToken& CancelOnInterrupt::token() const { return interrupt_token(); }

}  // namespace backdrop::cli
