#include "core/generation/jobs_control.h"

#include <stdexcept>
#include <string>

namespace backdrop {
namespace {

void require(bool allowed, const std::string& action, JobQueue& queue, const JobProgress& progress) {
  if (allowed) return;
  throw std::runtime_error("cannot " + action + " job '" + queue.job_name() + "': it is " + to_string(progress.state) +
                           " with " + std::to_string(progress.pending + progress.claimed) + " tasks left and " +
                           std::to_string(progress.failed) + " failed");
}

void change_state(JobQueue& queue, bool JobActions::*allowed, const std::string& action, JobState state) {
  const auto progress = queue.progress();
  require(job_actions(progress).*allowed, action, queue, progress);
  queue.set_state(state);
}

}  // namespace

JobActions job_actions(const JobProgress& progress) {
  const bool unfinished = !progress.finished();
  JobActions actions;
  actions.pause = progress.state == JobState::active && unfinished;
  actions.resume = progress.state == JobState::paused || (progress.state == JobState::active && unfinished);
  actions.cancel = progress.state != JobState::cancelled && unfinished;
  actions.retry_failed = progress.state != JobState::cancelled && progress.failed > 0;
  return actions;
}

void pause_job(JobQueue& queue) { change_state(queue, &JobActions::pause, "pause", JobState::paused); }

void resume_job(JobQueue& queue) { change_state(queue, &JobActions::resume, "resume", JobState::active); }

void cancel_job(JobQueue& queue) { change_state(queue, &JobActions::cancel, "cancel", JobState::cancelled); }

int64_t retry_failed_tasks(JobQueue& queue) {
  const auto progress = queue.progress();
  require(job_actions(progress).retry_failed, "retry the failed tasks of", queue, progress);
  return queue.retry_failed();
}

}  // namespace backdrop
