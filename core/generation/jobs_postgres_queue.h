#pragma once
// The job queue on PostgreSQL, for workers on many machines. Claims use
// SELECT ... FOR UPDATE SKIP LOCKED, so concurrent workers never wait on, or take, the same task;
// leases are timed by the server's clock, so workers' clocks need not agree. Results (image path
// and hash) are stored on the task rows; the cache folder is storage all workers share.

#include <mutex>

#include "core/generation/jobs_queue.h"
#include "core/store/postgres_connection.h"

namespace backdrop {

class PostgresJobQueue : public JobQueue {
 public:
  // Creates the queue's tables when missing (safe when several workers start at once).
  PostgresJobQueue(const std::string& url, std::string job_name);
  // The jobs in the queue at `url`, oldest first (none before the first job was queued).
  static std::vector<std::string> job_names(const std::string& url);

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

  struct CompletedTask {
    std::string variant_key;
    std::string inputs_json;
    std::string image_path;
    std::string image_sha256;
    std::string completed_by;
  };
  // The job's committed results, for collecting them into a project file.
  std::vector<CompletedTask> completed();

 private:
  std::mutex mutex_;  // one connection, shared by the worker threads of this process
  PostgresConnection connection_;
  std::string job_name_;
  std::string job_id_;
};

}  // namespace backdrop
