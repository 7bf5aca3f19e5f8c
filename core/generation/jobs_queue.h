#pragma once
// A generation job: a named set of variant tasks in a queue that any number of worker threads
// and processes share. A worker claims a task under a lease (renewed while it works); a lease
// that expires because its worker died makes the task claimable again. Completing a task checks
// that the lease is still the worker's, so a result is committed exactly once.
//
// Backends: the project file itself (SQLite, one machine) and PostgreSQL (many machines).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/generation/variant_inputs.h"

namespace backdrop {

struct JobTask {
  int64_t id = 0;
  std::string variant_key;
  VariantInputs inputs;
};

struct JobResult {
  std::string image_path;  // relative to the cache folder
  std::string image_sha256;
};

// A cancelled job keeps its unmade tasks (they show what was left) but no worker claims them again.
enum class JobState { active, paused, cancelled };

struct JobProgress {
  int64_t pending = 0;
  int64_t claimed = 0;
  int64_t done = 0;
  int64_t failed = 0;
  JobState state = JobState::active;
  int64_t total() const { return pending + claimed + done + failed; }
  bool finished() const { return pending == 0 && claimed == 0; }
  // Adds `count` tasks in the state named `task_state` ("pending", "claimed", "done", "failed").
  void add(const std::string& task_state, int64_t count);
};

class JobQueue {
 public:
  virtual ~JobQueue() = default;
  virtual const std::string& job_name() const = 0;

  // Adds tasks for the variants the job lacks (by key); returns how many were new.
  virtual int64_t submit(const std::vector<VariantInputs>& variants) = 0;
  // A pending task, or one whose lease expired; nothing while the job is paused or drained.
  virtual std::optional<JobTask> claim(const std::string& worker, std::chrono::milliseconds lease) = 0;
  // Extends the leases of every task the worker holds.
  virtual void renew(const std::string& worker, std::chrono::milliseconds lease) = 0;
  // Commits the result; false (and nothing changes) when the worker no longer holds the lease.
  virtual bool complete(const JobTask& task, const std::string& worker, const JobResult& result) = 0;
  // Gives a task back unfinished (cancellation).
  virtual void release(const JobTask& task, const std::string& worker) = 0;
  virtual void fail(const JobTask& task, const std::string& worker, const std::string& error) = 0;
  // Failed tasks become pending again; returns how many.
  virtual int64_t retry_failed() = 0;

  virtual void set_state(JobState state) = 0;
  virtual JobProgress progress() = 0;
};

// Opens (creating when missing) the job `job_name` in `database`: a postgresql:// URL, or the
// path of a project file.
std::unique_ptr<JobQueue> open_job_queue(const std::string& database, const std::string& job_name);

// The names of the jobs queued in `database` (a project file or a postgresql:// URL), oldest first.
std::vector<std::string> job_names(const std::string& database);

// Opens a job that must already exist: pausing or resuming a misspelt job must not create it.
// Throws std::runtime_error naming the job, the database and the jobs there are.
std::unique_ptr<JobQueue> open_existing_job_queue(const std::string& database, const std::string& job_name);

std::string to_string(JobState state);
// The state a queue stores as `text`; throws std::runtime_error naming an unknown one.
JobState job_state_from_string(const std::string& text);

}  // namespace backdrop
