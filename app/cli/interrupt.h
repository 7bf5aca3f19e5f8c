#pragma once
// Ctrl-C and SIGTERM cancel a command's long work instead of killing it, so it can stop cleanly
// (a publish leaves the serving version, a worker hands its leases back).
//
//   const CancelOnInterrupt interrupt;
//   run_long_work(..., interrupt.token());

#include "core/common/cancellation.h"

namespace backdrop::cli {

// While it lives, SIGINT and SIGTERM cancel token(); the default handlers come back when it goes,
// on an exception too.
class CancelOnInterrupt {
 public:
  CancelOnInterrupt();
  ~CancelOnInterrupt();
  CancelOnInterrupt(const CancelOnInterrupt&) = delete;
  CancelOnInterrupt& operator=(const CancelOnInterrupt&) = delete;

  const CancellationToken& token() const;
};

}  // namespace backdrop::cli
