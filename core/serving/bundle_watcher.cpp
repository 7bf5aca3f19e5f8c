#include "core/serving/bundle_watcher.h"

#include <memory>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "core/export/publisher.h"
#include "core/serving/decision_engine.h"
#include "core/serving/serving_metrics.h"

namespace backdrop::serving {

BundleWatcher::BundleWatcher(BundleWatcherOptions options, DecisionEngine& engine, ServingMetrics& metrics,
                             BundleLoader loader)
    : options_(std::move(options)), engine_(engine), metrics_(metrics), loader_(std::move(loader)) {}

BundleWatcher::~BundleWatcher() {
  stop();
}

bool BundleWatcher::poll_once() {
  std::lock_guard lock(poll_mutex_);
  std::string version;
  try {
    version = exporting::current_version(options_.target).value_or("");
  } catch (const std::exception& error) {
    if (failed_reason_ != error.what()) spdlog::error("bundle watcher: {}", error.what());
    failed_reason_ = error.what();
    return false;
  }
  if (version.empty() || version == loaded_version_ || version == failed_version_) return false;

  const auto folder = options_.target / "versions" / version;
  try {
    auto bundle = std::make_shared<const exporting::Bundle>(loader_(folder));
    engine_.load(std::move(bundle));
  } catch (const std::exception& error) {
    failed_version_ = version;
    metrics_.bundle_load_failed();
    spdlog::error("bundle {}: not loaded, {} keeps serving: {}", version,
                  loaded_version_.empty() ? std::string("nothing") : loaded_version_, error.what());
    return false;
  }
  loaded_version_ = version;
  failed_version_.clear();
  failed_reason_.clear();
  metrics_.bundle_loaded(engine_.bundle_version());
  spdlog::info("bundle {} now serving", version);
  return true;
}

void BundleWatcher::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void BundleWatcher::stop() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_signal_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BundleWatcher::run() {
  std::unique_lock lock(stop_mutex_);
  while (!stop_signal_.wait_for(lock, options_.interval, [this] { return stopping_; })) {
    lock.unlock();
    poll_once();
    lock.lock();
  }
}

}  // namespace backdrop::serving
