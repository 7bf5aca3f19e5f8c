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
  const auto variant = variants.find_by_key(task.variant_key);
  if (!variant) return true;
  variants.set_artifact_scores(variant->id, record->artifact_scores);
  // Only a variant nobody has reviewed yet: a person's decision (a cleared flag too) stands.
  if (record->flagged && project_.review_log().entries_for(variant->id).empty()) {
    ReviewChange flag;
    flag.reviewer = kAutoReviewer;
    flag.action = "flag";
    flag.status = VariantStatus::flagged;
    flag.flag_reasons = std::vector<std::string>{kAutoFlagReason};
    variants.review(variant->id, flag);
  }
  return true;
}

}  // namespace backdrop::ui
