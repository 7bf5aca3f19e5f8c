#include "core/generation/jobs_sqlite_queue.h"

namespace backdrop {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t find_or_create_job(Database& database, const std::string& name) {
  Statement insert(database, "INSERT INTO jobs (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING");
  insert.bind_all(name, utc_timestamp()).run();
  Statement select(database, "SELECT id FROM jobs WHERE name = ?");
  select.bind_all(name).step();
  return select.column_int64(0);
}

}  // namespace

std::vector<std::string> sqlite_job_names(Project& project) {
  Statement select(project.database(), "SELECT name FROM jobs ORDER BY id");
  std::vector<std::string> names;
  while (select.step()) names.push_back(select.column_text(0));
  return names;
}

SqliteJobQueue::SqliteJobQueue(const std::filesystem::path& project_file, std::string job_name)
    : project_(Project::open(project_file)), job_name_(std::move(job_name)) {
  job_id_ = find_or_create_job(project_.database(), job_name_);
}

int64_t SqliteJobQueue::submit(const std::vector<VariantInputs>& variants) {
  std::lock_guard lock(mutex_);
  auto& database = project_.database();
  Transaction transaction(database);
  Statement insert(database,
                   "INSERT INTO job_tasks (job_id, variant_key, inputs_json) VALUES (?, ?, ?) "
                   "ON CONFLICT (job_id, variant_key) DO NOTHING");
  int64_t added = 0;
  for (const auto& variant : variants) {
    insert.reset();
    insert.bind_all(job_id_, variant_key(variant), to_json(variant).dump()).run();
    added += database.changes();
  }
  transaction.commit();
  return added;
}

std::optional<JobTask> SqliteJobQueue::claim(const std::string& worker, std::chrono::milliseconds lease) {
  std::lock_guard lock(mutex_);
  auto& database = project_.database();
  Transaction transaction(database);
  const int64_t now = now_ms();
  Statement select(database,
                   "SELECT t.id, t.variant_key, t.inputs_json FROM job_tasks t JOIN jobs j ON j.id = t.job_id "
                   "WHERE t.job_id = ? AND j.state = 'active' "
                   "AND (t.state = 'pending' OR (t.state = 'claimed' AND t.lease_expires_ms < ?)) "
                   "ORDER BY t.id LIMIT 1");
  select.bind_all(job_id_, now);
  if (!select.step()) return std::nullopt;
  JobTask task{select.column_int64(0), select.column_text(1),
               variant_inputs_from_json(nlohmann::json::parse(select.column_text(2)))};
  Statement update(database,
                   "UPDATE job_tasks SET state = 'claimed', lease_owner = ?, lease_expires_ms = ?, "
                   "attempts = attempts + 1 WHERE id = ?");
  update.bind_all(worker, now + lease.count(), task.id).run();
  transaction.commit();
  return task;
}

void SqliteJobQueue::renew(const std::string& worker, std::chrono::milliseconds lease) {
  std::lock_guard lock(mutex_);
  Statement update(project_.database(),
                   "UPDATE job_tasks SET lease_expires_ms = ? WHERE job_id = ? AND state = 'claimed' "
                   "AND lease_owner = ?");
  update.bind_all(now_ms() + lease.count(), job_id_, worker).run();
}

bool SqliteJobQueue::complete(const JobTask& task, const std::string& worker, const JobResult& result) {
  std::lock_guard lock(mutex_);
  auto& database = project_.database();
  Transaction transaction(database);
  Statement update(database,
                   "UPDATE job_tasks SET state = 'done', lease_owner = NULL, lease_expires_ms = NULL, error = NULL "
                   "WHERE id = ? AND state = 'claimed' AND lease_owner = ?");
  update.bind_all(task.id, worker).run();
  if (database.changes() == 0) return false;  // the lease was lost: someone else commits it
  StoredVariant variant;
  variant.variant_key = task.variant_key;
  variant.product_external_id = task.inputs.product_id;
  variant.prompt_id = task.inputs.prompt_id;
  variant.inputs_json = to_json(task.inputs).dump();
  variant.image_path = result.image_path;
  variant.image_sha256 = result.image_sha256;
  project_.variants().insert_or_get(variant);
  transaction.commit();
  return true;
}

void SqliteJobQueue::release(const JobTask& task, const std::string& worker) {
  std::lock_guard lock(mutex_);
  Statement update(project_.database(),
                   "UPDATE job_tasks SET state = 'pending', lease_owner = NULL, lease_expires_ms = NULL "
                   "WHERE id = ? AND state = 'claimed' AND lease_owner = ?");
  update.bind_all(task.id, worker).run();
}

void SqliteJobQueue::fail(const JobTask& task, const std::string& worker, const std::string& error) {
  std::lock_guard lock(mutex_);
  Statement update(project_.database(),
                   "UPDATE job_tasks SET state = 'failed', lease_owner = NULL, lease_expires_ms = NULL, error = ? "
                   "WHERE id = ? AND state = 'claimed' AND lease_owner = ?");
  update.bind_all(error, task.id, worker).run();
}

int64_t SqliteJobQueue::retry_failed() {
  std::lock_guard lock(mutex_);
  Statement update(project_.database(), "UPDATE job_tasks SET state = 'pending' WHERE job_id = ? AND state = 'failed'");
  update.bind_all(job_id_).run();
  return project_.database().changes();
}

void SqliteJobQueue::set_state(JobState state) {
  std::lock_guard lock(mutex_);
  Statement update(project_.database(), "UPDATE jobs SET state = ? WHERE id = ?");
  update.bind_all(to_string(state), job_id_).run();
}

JobProgress SqliteJobQueue::progress() {
  std::lock_guard lock(mutex_);
  auto& database = project_.database();
  JobProgress progress;
  Statement state(database, "SELECT state FROM jobs WHERE id = ?");
  state.bind_all(job_id_).step();
  progress.state = job_state_from_string(state.column_text(0));
  Statement counts(database, "SELECT state, COUNT(*) FROM job_tasks WHERE job_id = ? GROUP BY state");
  counts.bind_all(job_id_);
  while (counts.step()) progress.add(counts.column_text(0), counts.column_int64(1));
  return progress;
}

}  // namespace backdrop
