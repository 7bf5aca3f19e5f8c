#include "core/generation/jobs_runner.h"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "core/store/sha256.h"

namespace backdrop {
namespace {

using Clock = std::chrono::steady_clock;

// The cache stores pixels under the task's key; the key must describe the inputs rendered. A task
// planned by a Backdrop whose key format differs (its inputs now mean other pixels) is refused.
void require_key_of_inputs(const JobTask& task) {
  if (variant_key(task.inputs) != task.variant_key) {
    throw std::runtime_error("task " + task.variant_key.substr(0, 12) +
                             " was planned by another version of Backdrop (its key does not match its inputs); "
                             "plan the job again");
  }
}

class Run {
 public:
  Run(JobQueue& queue, VariantRenderer& renderer, const CacheStore& cache, const JobRunOptions& options,
      const ProgressSink& progress, const CancellationToken& cancel)
      : queue_(queue), renderer_(renderer), cache_(cache), options_(options), progress_(progress), cancel_(cancel),
        worker_(options.worker_id.empty() ? default_worker_id() : options.worker_id) {}

  JobRunSummary execute() {
    cache_.remove_abandoned_temporaries();
    std::thread heartbeat([this] { renew_leases(); });
    std::vector<std::thread> workers;
    try {
      for (int i = 0; i < worker_threads(); ++i) workers.emplace_back([this] { work(); });
    } catch (...) {  // no thread left for another worker: the started ones see failed() and stop
      std::lock_guard lock(mutex_);
      error_ = std::current_exception();
    }
    // Every thread is joined before this frame (and the Run they point into) goes away, even
    // when starting one failed: a joinable std::thread destroyed would terminate the process.
    for (auto& worker : workers) worker.join();
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    heartbeat.join();
    if (error_) std::rethrow_exception(error_);
    summary_.progress = queue_.progress();
    if (cancel_.cancelled() || summary_.progress.state == JobState::cancelled) {
      summary_.outcome = JobRunOutcome::cancelled;
    } else if (summary_.progress.state == JobState::paused && !summary_.progress.finished()) {
      summary_.outcome = JobRunOutcome::paused;
    }
    return summary_;
  }

 private:
  void work() {
    try {
      while (!cancel_.cancelled() && !failed()) {
        const auto claiming = Clock::now();
        auto task = queue_.claim(worker_, options_.lease);
        add_time(summary_.queue_seconds, claiming);
        if (task) {
          process(*task);
          report_progress(false);
          continue;
        }
        const auto progress = queue_.progress();
        if (progress.finished() || progress.state != JobState::active) return;
        // Other workers hold the last tasks: wait for them to finish or for their leases to expire.
        std::this_thread::sleep_for(options_.poll);
      }
    } catch (...) {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = std::current_exception();
    }
  }

  int worker_threads() const {
    const int limit = renderer_.max_parallel_renders();
    const int wanted = std::max(1, options_.threads);
    return limit > 0 ? std::min(wanted, limit) : wanted;
  }

  void process(const JobTask& task) {
    bool rendered = false;
    if (!cache_.contains(task.variant_key)) {
      const auto temporary = cache_.temporary_path(task.variant_key);
      const auto rendering = Clock::now();
      try {
        require_key_of_inputs(task);
        renderer_.render(task.inputs, temporary, cancel_);
        cache_.publish(temporary, task.variant_key);
        add_time(summary_.render_seconds, rendering);
        rendered = true;
      } catch (const Cancelled&) {
        std::filesystem::remove(temporary);
        queue_.release(task, worker_);
        return;
      } catch (const std::exception& error) {
        std::filesystem::remove(temporary);
        queue_.fail(task, worker_, error.what());
        std::lock_guard lock(mutex_);
        ++summary_.failed;
        if (summary_.failures.size() < JobRunSummary::kReportedFailures) {
          summary_.failures.push_back(task.inputs.product_id + " on " + task.inputs.placement.name + ": " +
                                      error.what());
        }
        return;
      }
    }
    const auto committing = Clock::now();
    const JobResult result{CacheStore::relative_path(task.variant_key),
                           sha256_file_hex(cache_.path_for(task.variant_key))};
    const bool committed = queue_.complete(task, worker_, result);
    add_time(summary_.queue_seconds, committing);
    std::lock_guard lock(mutex_);
    if (!committed) {
      ++summary_.lost_leases;
    } else if (rendered) {
      ++summary_.rendered;
    } else {
      ++summary_.reused;
    }
  }

  void renew_leases() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      if (wake_.wait_for(lock, options_.lease / 3, [this] { return stopping_; })) return;
      lock.unlock();
      try {
        queue_.renew(worker_, options_.lease);
      } catch (...) {
        // A missed renewal only risks a duplicate render; the commit check keeps results single.
      }
      lock.lock();
    }
  }

  // Progress counts come from the queue (all workers together), at most a few times a second.
  void report_progress(bool force) {
    if (!progress_) return;
    const auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(mutex_);
      if (!force && now - last_report_ < std::chrono::milliseconds(250)) return;
      last_report_ = now;
    }
    const auto progress = queue_.progress();
    progress_({progress.done + progress.failed, progress.total(), queue_.job_name()});
  }

  bool failed() {
    std::lock_guard lock(mutex_);
    return error_ != nullptr;
  }

  void add_time(double& total, Clock::time_point since) {
    const double seconds = std::chrono::duration<double>(Clock::now() - since).count();
    std::lock_guard lock(mutex_);
    total += seconds;
  }

  JobQueue& queue_;
  VariantRenderer& renderer_;
  const CacheStore& cache_;
  const JobRunOptions& options_;
  const ProgressSink& progress_;
  const CancellationToken& cancel_;
  const std::string worker_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::exception_ptr error_;
  JobRunSummary summary_;
  std::chrono::steady_clock::time_point last_report_{};
};

}  // namespace

std::string to_string(JobRunOutcome outcome) {
  switch (outcome) {
    case JobRunOutcome::finished: return "finished";
    case JobRunOutcome::paused: return "paused";
    case JobRunOutcome::cancelled: return "cancelled";
  }
  return "finished";
}

std::string default_worker_id() {
  char host[HOST_NAME_MAX + 1] = {};
  gethostname(host, sizeof host);
  std::random_device random;
  return std::string(host) + ":" + std::to_string(::getpid()) + ":" + std::to_string(random() % 1000000);
}

JobRunSummary run_job(JobQueue& queue, VariantRenderer& renderer, const CacheStore& cache,
                      const JobRunOptions& options, const ProgressSink& progress, const CancellationToken& cancel) {
  return Run(queue, renderer, cache, options, progress, cancel).execute();
}

}  // namespace backdrop
