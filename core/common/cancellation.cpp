#include "core/common/cancellation.h"

namespace backdrop {

CancellationToken::CancellationToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}

void CancellationToken::cancel() const { flag_->store(true, std::memory_order_relaxed); }

bool CancellationToken::cancelled() const { return flag_->load(std::memory_order_relaxed); }

void CancellationToken::throw_if_cancelled() const {
  if (cancelled()) throw Cancelled();
}

}  // namespace backdrop
