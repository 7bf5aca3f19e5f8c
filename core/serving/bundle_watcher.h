#pragma once
// Follows a publish target: <target>/CURRENT names the current version, <target>/versions/<version>/
// is its bundle folder. A background thread reads CURRENT every interval; when it names a version
// other than the one serving, the bundle is loaded and verified on that thread (off the request
// path) and swapped into the engine. A bundle that fails to load or to fit (corrupt, partial,
// priors that do not match their schema) is logged and counted, the previous bundle keeps serving,
// and that version is not retried until CURRENT names another one.

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "core/export/bundle.h"

namespace backdrop::serving {

class DecisionEngine;
class ServingMetrics;

// Loads and verifies a bundle folder (exporting::load_bundle in production).
using BundleLoader = std::function<exporting::Bundle(const std::filesystem::path& folder)>;

struct BundleWatcherOptions {
  std::filesystem::path target;  // the publish target
  std::chrono::milliseconds interval{1000};
};

class BundleWatcher {
 public:
  BundleWatcher(BundleWatcherOptions options, DecisionEngine& engine, ServingMetrics& metrics, BundleLoader loader);
  ~BundleWatcher();
  BundleWatcher(const BundleWatcher&) = delete;
  BundleWatcher& operator=(const BundleWatcher&) = delete;

  // One check of CURRENT; true when a new bundle was swapped in. Never throws.
  bool poll_once();
  // Polls every interval on a background thread until stop() or destruction.
  void start();
  void stop();

 private:
  void run();

  BundleWatcherOptions options_;
  DecisionEngine& engine_;
  ServingMetrics& metrics_;
  BundleLoader loader_;

  std::mutex poll_mutex_;       // one poll at a time
  std::string loaded_version_;  // guarded by poll_mutex_
  std::string failed_version_;  // guarded by poll_mutex_
  std::string failed_reason_;   // guarded by poll_mutex_, logged once

  std::mutex stop_mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace backdrop::serving
