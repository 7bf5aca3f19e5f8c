#pragma once
// What a person may do with a job in each of its states, and doing it. The Studio's buttons and
// the CLI's `project jobs pause|resume|cancel|retry` both ask here, so they agree.
//
// - pause: an active job with tasks left; workers finish the tasks in flight and stop.
// - resume: a paused job, or an active one with tasks left whose workers stopped (a closed Studio,
//   a killed worker); the caller then runs it.
// - cancel: an active or paused job with tasks left; its unmade tasks stay recorded, unclaimable.
// - retry failed: a job that is not cancelled and has failed tasks; they become pending again.

#include <cstdint>

#include "core/generation/jobs_queue.h"

namespace backdrop {

struct JobActions {
  bool pause = false;
  bool resume = false;
  bool cancel = false;
  bool retry_failed = false;
};

JobActions job_actions(const JobProgress& progress);

// Each throws std::runtime_error naming the job and its state when the action does not apply.
void pause_job(JobQueue& queue);
void resume_job(JobQueue& queue);
void cancel_job(JobQueue& queue);
// Returns how many failed tasks were queued again.
int64_t retry_failed_tasks(JobQueue& queue);

}  // namespace backdrop
