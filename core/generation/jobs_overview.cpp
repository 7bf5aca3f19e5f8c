#include "core/generation/jobs_overview.h"

#include "core/store/project.h"

namespace backdrop {

std::vector<JobOverview> job_overviews(Project& project) {
  auto& database = project.database();
  std::vector<JobOverview> jobs;
  Statement select(database, "SELECT id, name, created_at, state FROM jobs ORDER BY id");
  Statement counts(database, "SELECT state, COUNT(*) FROM job_tasks WHERE job_id = ? GROUP BY state");
  while (select.step()) {
    JobOverview job{select.column_text(1), select.column_text(2), {}};
    job.progress.state = job_state_from_string(select.column_text(3));
    counts.reset();
    counts.bind_all(select.column_int64(0));
    while (counts.step()) job.progress.add(counts.column_text(0), counts.column_int64(1));
    jobs.push_back(std::move(job));
  }
  return jobs;
}

std::vector<FailedTask> failed_tasks(Project& project, const std::string& job_name) {
  Statement select(project.database(),
                   "SELECT t.id, t.inputs_json, COALESCE(t.error, ''), t.attempts FROM job_tasks t "
                   "JOIN jobs j ON j.id = t.job_id WHERE j.name = ? AND t.state = 'failed' ORDER BY t.id");
  select.bind_all(job_name);
  std::vector<FailedTask> tasks;
  while (select.step()) {
    tasks.push_back({select.column_int64(0), variant_inputs_from_json(nlohmann::json::parse(select.column_text(1))),
                     select.column_text(2), select.column_int64(3)});
  }
  return tasks;
}

}  // namespace backdrop
