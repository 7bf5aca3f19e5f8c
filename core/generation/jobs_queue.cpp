#include "core/generation/jobs_queue.h"

#include "core/generation/jobs_postgres_queue.h"
#include "core/generation/jobs_sqlite_queue.h"
#include "core/store/project.h"

#include <algorithm>
#include <stdexcept>

namespace backdrop {

void JobProgress::add(const std::string& task_state, int64_t count) {
  if (task_state == "pending") pending += count;
  if (task_state == "claimed") claimed += count;
  if (task_state == "done") done += count;
  if (task_state == "failed") failed += count;
}

std::string to_string(JobState state) {
  switch (state) {
    case JobState::active:
      return "active";
    case JobState::paused:
      return "paused";
    case JobState::cancelled:
      return "cancelled";
  }
  return "active";
}

JobState job_state_from_string(const std::string& text) {
  for (const auto state : {JobState::active, JobState::paused, JobState::cancelled}) {
    if (to_string(state) == text) return state;
  }
  throw std::runtime_error("unknown job state '" + text + "'");
}

std::unique_ptr<JobQueue> open_job_queue(const std::string& database, const std::string& job_name) {
  if (is_postgres_url(database)) return std::make_unique<PostgresJobQueue>(database, job_name);
  return std::make_unique<SqliteJobQueue>(database, job_name);
}

std::vector<std::string> job_names(const std::string& database) {
  if (is_postgres_url(database)) return PostgresJobQueue::job_names(database);
  auto project = Project::open(database);
  return sqlite_job_names(project);
}

std::unique_ptr<JobQueue> open_existing_job_queue(const std::string& database, const std::string& job_name) {
  const auto names = job_names(database);
  if (std::find(names.begin(), names.end(), job_name) == names.end()) {
    std::string known;
    for (const auto& name : names) known += (known.empty() ? "" : ", ") + name;
    throw std::runtime_error("job '" + job_name + "' does not exist in " + without_password(database) + " (jobs: " +
                             (known.empty() ? "none" : known) + ")");
  }
  return open_job_queue(database, job_name);
}

}  // namespace backdrop
