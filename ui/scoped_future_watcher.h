#pragma once
// The one way ui/ owns background work: a QFutureWatcher whose destructor cancels its future and
// waits for it. A plain QFutureWatcher lets its task run on after the panel is gone, and at exit
// after the libraries and statics it uses are torn down. cancel() skips work not yet started and
// stops QtConcurrent::mapped between items; a QtConcurrent::run task already running stops only
// through its own CancellationToken, which its owner cancels in its destructor before this waits.

#include <QFutureWatcher>

namespace backdrop::ui {

template <typename T>
class ScopedFutureWatcher : public QFutureWatcher<T> {
 public:
  using QFutureWatcher<T>::QFutureWatcher;
  ~ScopedFutureWatcher() override {
    this->cancel();
    this->waitForFinished();
  }
  ScopedFutureWatcher(const ScopedFutureWatcher&) = delete;
  ScopedFutureWatcher& operator=(const ScopedFutureWatcher&) = delete;
};

}  // namespace backdrop::ui
