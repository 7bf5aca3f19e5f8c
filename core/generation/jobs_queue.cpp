#include "core/generation/jobs_queue.h"

#include "core/generation/jobs_postgres_queue.h"
#include "core/generation/jobs_sqlite_queue.h"

namespace backdrop {

void JobProgress::add(const std::string& task_state, int64_t count) {
  if (task_state == "pending") pending += count;
  if (task_state == "claimed") claimed += count;
  if (task_state == "done") done += count;
  if (task_state == "failed") failed += count;
}

std::string to_string(JobState state) { return state == JobState::paused ? "paused" : "active"; }

std::unique_ptr<JobQueue> open_job_queue(const std::string& database, const std::string& job_name) {
  if (is_postgres_url(database)) return std::make_unique<PostgresJobQueue>(database, job_name);
  return std::make_unique<SqliteJobQueue>(database, job_name);
}

}  // namespace backdrop
