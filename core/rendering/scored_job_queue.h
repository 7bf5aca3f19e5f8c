#pragma once
// A job queue that, when a task's result is committed, copies the artifact score recorded in the
// variant's image (backgrounds::write_variant_png) into the project's variant row, so the variants view shows
// and sorts it as results arrive. Cached images that are reused carry their score with them.
// A variant whose scores are over the project's thresholds (project_artifact_thresholds.h) is
// flagged for review by reviewer "auto", so the grid shows it flagged and it never ships; a variant with any
// review already (a person's, or an earlier automatic flag) keeps it. Everything else is the wrapped queue's.

#include <filesystem>
#include <mutex>
#include <string>

#include "core/backgrounds/artifact_score.h"
#include "core/generation/cache_store.h"
#include "core/generation/jobs_queue.h"
#include "core/store/project.h"

namespace backdrop {

class PostgresJobQueue;

// The reviewer and the flag reason (one of the review list's) of an automatic flag. Both of core's
// measures, object expansion and edges continuing the outline, say the product grew beyond its mask.
inline constexpr const char* kAutoReviewer = "auto";
inline constexpr const char* kAutoFlagReason = "product extended";

// Copies the artifact scores recorded in the variant's PNG into the project's variant row, and flags
// the variant (reviewer "auto") when its scores are over `thresholds` (the project's,
// load_artifact_thresholds) and nobody has reviewed it yet. Nothing when the project has no such
// variant or the PNG no record. Throws ImageError naming the PNG for a damaged record.
void record_artifact_scores(Project& project, const std::string& variant_key, const std::filesystem::path& png,
                            const backgrounds::ArtifactThresholds& thresholds);

// collect_results() with each added result's scores and automatic flag recorded as well, read from
// the workers' shared `cache`: review after a run on many machines sees the same scores and flags as
// after a run in the Studio.
int64_t collect_scored_results(PostgresJobQueue& queue, Project& project, const CacheStore& cache);

class ScoredJobQueue : public JobQueue {
 public:
  // `queue` and `project` (the same project file, its own connection) must outlive this.
  ScoredJobQueue(JobQueue& queue, Project& project, CacheStore cache);

  const std::string& job_name() const override { return queue_.job_name(); }
  int64_t submit(const std::vector<VariantInputs>& variants) override { return queue_.submit(variants); }
  std::optional<JobTask> claim(const std::string& worker, std::chrono::milliseconds lease) override {
    return queue_.claim(worker, lease);
  }
  void renew(const std::string& worker, std::chrono::milliseconds lease) override { queue_.renew(worker, lease); }
  bool complete(const JobTask& task, const std::string& worker, const JobResult& result) override;
  void release(const JobTask& task, const std::string& worker) override { queue_.release(task, worker); }
  void fail(const JobTask& task, const std::string& worker, const std::string& error) override {
    queue_.fail(task, worker, error);
  }
  int64_t retry_failed() override { return queue_.retry_failed(); }
  void set_state(JobState state) override { queue_.set_state(state); }
  JobProgress progress() override { return queue_.progress(); }

 private:
  JobQueue& queue_;
  Project& project_;
  CacheStore cache_;
  std::mutex project_use_;  // worker threads complete tasks concurrently; the connection is one
};

}  // namespace backdrop
