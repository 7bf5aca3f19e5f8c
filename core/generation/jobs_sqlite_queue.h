#pragma once
// The job queue inside a project file. Completing a task also stores its variant in the
// project, in the same transaction: a committed result and its variant row appear together.

#include <mutex>

#include "core/generation/jobs_queue.h"
#include "core/store/project.h"

namespace backdrop {

class SqliteJobQueue : public JobQueue {
 public:
  SqliteJobQueue(const std::filesystem::path& project_file, std::string job_name);

  const std::string& job_name() const override { return job_name_; }
  int64_t submit(const std::vector<VariantInputs>& variants) override;
  std::optional<JobTask> claim(const std::string& worker, std::chrono::milliseconds lease) override;
  void renew(const std::string& worker, std::chrono::milliseconds lease) override;
  bool complete(const JobTask& task, const std::string& worker, const JobResult& result) override;
  void release(const JobTask& task, const std::string& worker) override;
  void fail(const JobTask& task, const std::string& worker, const std::string& error) override;
  int64_t retry_failed() override;
  void set_state(JobState state) override;
  JobProgress progress() override;

 private:
  std::mutex mutex_;  // one connection, shared by the worker threads of this process
  Project project_;
  std::string job_name_;
  int64_t job_id_ = 0;
};

// The names of the jobs stored in a project, oldest first.
std::vector<std::string> sqlite_job_names(Project& project);

}  // namespace backdrop
