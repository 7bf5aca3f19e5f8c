#include "ui/scored_job_queue.h"

#include "ui/generator_variant_renderer.h"

namespace backdrop::ui {

ScoredJobQueue::ScoredJobQueue(JobQueue& queue, Project& project, CacheStore cache)
    : queue_(queue), project_(project), cache_(std::move(cache)) {}

bool ScoredJobQueue::complete(const JobTask& task, const std::string& worker, const JobResult& result) {
  if (!queue_.complete(task, worker, result)) return false;
  const auto record = read_variant_record(cache_.path_for(task.variant_key));
  if (!record) return true;
  const std::lock_guard lock(project_use_);
  auto variants = project_.variants();
  if (const auto variant = variants.find_by_key(task.variant_key)) variants.set_artifact_scores(variant->id, record->artifact_scores);
  return true;
}

}  // namespace backdrop::ui
