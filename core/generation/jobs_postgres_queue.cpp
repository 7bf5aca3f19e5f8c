#include "core/generation/jobs_postgres_queue.h"

namespace backdrop {
namespace {

const char* const kSchema = R"sql(
BEGIN;
SELECT pg_advisory_xact_lock(727465);  -- serialises concurrent first starts
CREATE TABLE IF NOT EXISTS backdrop_jobs (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused', 'cancelled')),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Queues created before jobs could be cancelled allow only 'active' and 'paused'. Altered once: an
-- ALTER TABLE at every worker's start would lock out (and deadlock with) the workers claiming.
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'backdrop_jobs_state_check'
             AND pg_get_constraintdef(oid) NOT LIKE '%cancelled%') THEN
    ALTER TABLE backdrop_jobs DROP CONSTRAINT backdrop_jobs_state_check;
    ALTER TABLE backdrop_jobs ADD CONSTRAINT backdrop_jobs_state_check
      CHECK (state IN ('active', 'paused', 'cancelled'));
  END IF;
END $$;
CREATE TABLE IF NOT EXISTS backdrop_job_tasks (
  id BIGSERIAL PRIMARY KEY,
  job_id BIGINT NOT NULL REFERENCES backdrop_jobs(id) ON DELETE CASCADE,
  variant_key TEXT NOT NULL,
  inputs_json TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'claimed', 'done', 'failed')),
  lease_owner TEXT,
  lease_expires_at TIMESTAMPTZ,
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  image_path TEXT,
  image_sha256 TEXT,
  completed_by TEXT,
  completed_at TIMESTAMPTZ,
  UNIQUE (job_id, variant_key)
);
CREATE INDEX IF NOT EXISTS backdrop_job_tasks_by_state ON backdrop_job_tasks (job_id, state, id);
COMMIT;
)sql";

std::string milliseconds(std::chrono::milliseconds lease) { return std::to_string(lease.count()); }

}  // namespace

PostgresJobQueue::PostgresJobQueue(const std::string& url, std::string job_name)
    : connection_(url), job_name_(std::move(job_name)) {
  connection_.execute_script(kSchema, "create queue tables");
  connection_.execute("INSERT INTO backdrop_jobs (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", {job_name_},
                      "create job '" + job_name_ + "'");
  job_id_ = connection_.execute("SELECT id FROM backdrop_jobs WHERE name = $1", {job_name_}, "find job").text(0, 0);
}

std::vector<std::string> PostgresJobQueue::job_names(const std::string& url) {
  PostgresConnection connection(url);
  const auto exists = connection.execute("SELECT to_regclass('backdrop_jobs') IS NOT NULL", {}, "find the job table");
  if (exists.text(0, 0) != "t") return {};
  const auto names = connection.execute("SELECT name FROM backdrop_jobs ORDER BY id", {}, "list jobs");
  std::vector<std::string> result;
  for (int row = 0; row < names.rows(); ++row) result.push_back(names.text(row, 0));
  return result;
}

int64_t PostgresJobQueue::submit(const std::vector<VariantInputs>& variants) {
  std::lock_guard lock(mutex_);
  connection_.execute_script("BEGIN", "submit tasks");
  int64_t added = 0;
  try {
    for (const auto& variant : variants) {
      added += connection_
                   .execute("INSERT INTO backdrop_job_tasks (job_id, variant_key, inputs_json) VALUES ($1, $2, $3) "
                            "ON CONFLICT (job_id, variant_key) DO NOTHING",
                            {job_id_, variant_key(variant), to_json(variant).dump()}, "submit task")
                   .affected();
    }
    connection_.execute_script("COMMIT", "submit tasks");
  } catch (...) {
    connection_.execute_script("ROLLBACK", "submit tasks");
    throw;
  }
  return added;
}

std::optional<JobTask> PostgresJobQueue::claim(const std::string& worker, std::chrono::milliseconds lease) {
  std::lock_guard lock(mutex_);
  const auto result = connection_.execute(
      "UPDATE backdrop_job_tasks SET state = 'claimed', lease_owner = $2, "
      "  lease_expires_at = now() + $3::bigint * interval '1 millisecond', attempts = attempts + 1 "
      "WHERE id = (SELECT t.id FROM backdrop_job_tasks t JOIN backdrop_jobs j ON j.id = t.job_id "
      "  WHERE t.job_id = $1 AND j.state = 'active' "
      "  AND (t.state = 'pending' OR (t.state = 'claimed' AND t.lease_expires_at < now())) "
      "  ORDER BY t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED) "
      "RETURNING id, variant_key, inputs_json",
      {job_id_, worker, milliseconds(lease)}, "claim task");
  if (result.rows() == 0) return std::nullopt;
  return JobTask{result.int64(0, 0), result.text(0, 1),
                 variant_inputs_from_json(nlohmann::json::parse(result.text(0, 2)))};
}

void PostgresJobQueue::renew(const std::string& worker, std::chrono::milliseconds lease) {
  std::lock_guard lock(mutex_);
  connection_.execute(
      "UPDATE backdrop_job_tasks SET lease_expires_at = now() + $3::bigint * interval '1 millisecond' "
      "WHERE job_id = $1 AND state = 'claimed' AND lease_owner = $2",
      {job_id_, worker, milliseconds(lease)}, "renew leases");
}

bool PostgresJobQueue::complete(const JobTask& task, const std::string& worker, const JobResult& result) {
  std::lock_guard lock(mutex_);
  return connection_
             .execute("UPDATE backdrop_job_tasks SET state = 'done', lease_owner = NULL, lease_expires_at = NULL, "
                      "error = NULL, image_path = $3, image_sha256 = $4, completed_by = $2, completed_at = now() "
                      "WHERE id = $1 AND state = 'claimed' AND lease_owner = $2",
                      {std::to_string(task.id), worker, result.image_path, result.image_sha256}, "complete task")
             .affected() == 1;
}

void PostgresJobQueue::release(const JobTask& task, const std::string& worker) {
  std::lock_guard lock(mutex_);
  connection_.execute(
      "UPDATE backdrop_job_tasks SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL "
      "WHERE id = $1 AND state = 'claimed' AND lease_owner = $2",
      {std::to_string(task.id), worker}, "release task");
}

void PostgresJobQueue::fail(const JobTask& task, const std::string& worker, const std::string& error) {
  std::lock_guard lock(mutex_);
  connection_.execute(
      "UPDATE backdrop_job_tasks SET state = 'failed', lease_owner = NULL, lease_expires_at = NULL, error = $3 "
      "WHERE id = $1 AND state = 'claimed' AND lease_owner = $2",
      {std::to_string(task.id), worker, error}, "record failed task");
}

int64_t PostgresJobQueue::retry_failed() {
  std::lock_guard lock(mutex_);
  return connection_
      .execute("UPDATE backdrop_job_tasks SET state = 'pending' WHERE job_id = $1 AND state = 'failed'", {job_id_},
               "retry failed tasks")
      .affected();
}

void PostgresJobQueue::set_state(JobState state) {
  std::lock_guard lock(mutex_);
  connection_.execute("UPDATE backdrop_jobs SET state = $2 WHERE id = $1", {job_id_, to_string(state)},
                      "set job state");
}

JobProgress PostgresJobQueue::progress() {
  std::lock_guard lock(mutex_);
  JobProgress progress;
  const auto state = connection_.execute("SELECT state FROM backdrop_jobs WHERE id = $1", {job_id_}, "read job state");
  progress.state = job_state_from_string(state.text(0, 0));
  const auto counts = connection_.execute(
      "SELECT state, COUNT(*) FROM backdrop_job_tasks WHERE job_id = $1 GROUP BY state", {job_id_}, "count tasks");
  for (int row = 0; row < counts.rows(); ++row) progress.add(counts.text(row, 0), counts.int64(row, 1));
  return progress;
}

std::vector<PostgresJobQueue::CompletedTask> PostgresJobQueue::completed() {
  std::lock_guard lock(mutex_);
  const auto rows = connection_.execute(
      "SELECT variant_key, inputs_json, image_path, image_sha256, completed_by FROM backdrop_job_tasks "
      "WHERE job_id = $1 AND state = 'done' ORDER BY id",
      {job_id_}, "list completed tasks");
  std::vector<CompletedTask> tasks;
  for (int row = 0; row < rows.rows(); ++row) {
    tasks.push_back({rows.text(row, 0), rows.text(row, 1), rows.text(row, 2), rows.text(row, 3), rows.text(row, 4)});
  }
  return tasks;
}

}  // namespace backdrop
