#pragma once
// What a project file says about its generation jobs: every job with its state and task counts,
// and a job's failed tasks with the reason each failed. Read from the store alone, so a reopened
// project shows the jobs as they are, whoever ran them.

#include <cstdint>
#include <string>
#include <vector>

#include "core/generation/jobs_queue.h"
#include "core/generation/variant_inputs.h"

namespace backdrop {

class Project;

struct JobOverview {
  std::string name;
  std::string created_at;  // UTC, as stored
  JobProgress progress;
};

struct FailedTask {
  int64_t id = 0;
  VariantInputs inputs;
  std::string error;
  int64_t attempts = 0;
};

// The project's jobs, oldest first.
std::vector<JobOverview> job_overviews(Project& project);

// The failed tasks of the job `job_name` (none when there is no such job), in queue order.
std::vector<FailedTask> failed_tasks(Project& project, const std::string& job_name);

}  // namespace backdrop
