#include "core/generation/jobs_queue.h"

#include "core/generation/jobs_postgres_queue.h"
#include "core/generation/jobs_sqlite_queue.h"

namespace backdrop {

std::string to_string(JobState state) { return state == JobState::paused ? "paused" : "active"; }

std::unique_ptr<JobQueue> open_job_queue(const std::string& database, const std::string& job_name) {
  if (is_postgres_url(database)) return std::make_unique<PostgresJobQueue>(database, job_name);
  return std::make_unique<SqliteJobQueue>(database, job_name);
}

}  // namespace backdrop
