#pragma once
// Runs a job's tasks on worker threads: claim a task, reuse the cached image or render it,
// publish it durably, commit the result. A heartbeat renews the leases of tasks in flight.
//
// Crash safety follows from the order of the steps: the image is published before the commit,
// and the commit is one transaction. A process killed at any moment leaves either a published
// image without a commit (the next claim finds it in the cache and commits it without rendering)
// or nothing, plus temporaries that the next run removes.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/cancellation.h"
#include "core/generation/cache_store.h"
#include "core/generation/jobs_queue.h"
#include "core/generation/variant_renderer.h"

namespace backdrop {

struct JobRunOptions {
  int threads = 1;  // at most the renderer's max_parallel_renders()
  std::chrono::milliseconds lease{60000};   // a dead worker's tasks return after this long
  std::chrono::milliseconds poll{200};      // wait between claims while others hold the last tasks
  std::string worker_id;                    // empty: "<host>:<pid>:<random>"
};

enum class JobRunOutcome { finished, paused, cancelled };
std::string to_string(JobRunOutcome outcome);

struct JobRunSummary {
  JobRunOutcome outcome = JobRunOutcome::finished;
  int64_t rendered = 0;  // images this run drew
  int64_t reused = 0;    // tasks whose image was already in the cache
  int64_t failed = 0;
  // Why tasks failed, "<product> on <placement>: <reason>", for the first kReportedFailures of them
  // (the queue keeps every task's error).
  std::vector<std::string> failures;
  static constexpr std::size_t kReportedFailures = 10;
  int64_t lost_leases = 0;  // results another worker committed first
  JobProgress progress;     // the job's state when the run ended
  // Seconds summed over this run's threads: in the queue (claiming, and committing with the hash of
  // the result) and in the renderer. Per variant, the queue's is what sharing a queue
  // costs; the renderer's is the work.
  double queue_seconds = 0;
  double render_seconds = 0;
};

// Returns when the job has no claimable or claimed tasks left, when it is paused or cancelled in the
// queue (tasks in flight are finished first), or when `cancel` fires (tasks in flight are released).
JobRunSummary run_job(JobQueue& queue, VariantRenderer& renderer, const CacheStore& cache,
                      const JobRunOptions& options, const ProgressSink& progress = {},
                      const CancellationToken& cancel = {});

std::string default_worker_id();

}  // namespace backdrop
