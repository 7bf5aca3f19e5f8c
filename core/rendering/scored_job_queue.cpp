#include "core/rendering/scored_job_queue.h"

#include "core/backgrounds/variant_png_record.h"
#include "core/generation/jobs_collect.h"
#include "core/rendering/project_artifact_thresholds.h"

namespace backdrop {
namespace {

// The project's verdict on the recorded scores, with its thresholds.
bool flagged(const std::map<std::string, double>& scores, const backgrounds::ArtifactThresholds& thresholds) {
  backgrounds::ArtifactScore score;
  if (const auto found = scores.find("object_expansion"); found != scores.end()) score.object_expansion = found->second;
  if (const auto found = scores.find("edge_continuation"); found != scores.end()) {
    score.edge_continuation = found->second;
  }
  backgrounds::apply_thresholds(score, thresholds);
  return score.flagged;
}

}  // namespace

ScoredJobQueue::ScoredJobQueue(JobQueue& queue, Project& project, CacheStore cache)
    : queue_(queue), project_(project), cache_(std::move(cache)) {}

bool ScoredJobQueue::complete(const JobTask& task, const std::string& worker, const JobResult& result) {
  if (!queue_.complete(task, worker, result)) return false;
  const std::lock_guard lock(project_use_);
  // Read at every commit: thresholds changed while a job runs apply to its next results.
  record_artifact_scores(project_, task.variant_key, cache_.path_for(task.variant_key),
                         load_artifact_thresholds(project_));
  return true;
}

void record_artifact_scores(Project& project, const std::string& variant_key, const std::filesystem::path& png,
                            const backgrounds::ArtifactThresholds& thresholds) {
  const auto record = backgrounds::read_variant_record(png);
  if (!record) return;
  auto variants = project.variants();
  const auto variant = variants.find_by_key(variant_key);
  if (!variant) return;
  variants.set_artifact_scores(variant->id, record->artifact_scores);
  // Only a variant nobody has reviewed yet: a person's decision (a cleared flag too) stands.
  if (flagged(record->artifact_scores, thresholds) && project.review_log().entries_for(variant->id).empty()) {
    ReviewChange flag;
    flag.reviewer = kAutoReviewer;
    flag.action = "flag";
    flag.status = VariantStatus::flagged;
    flag.flag_reasons = std::vector<std::string>{kAutoFlagReason};
    variants.review(variant->id, flag);
  }
}

int64_t collect_scored_results(PostgresJobQueue& queue, Project& project, const CacheStore& cache) {
  const auto thresholds = load_artifact_thresholds(project);  // once for every result collected
  return collect_results(queue, project, [&](const StoredVariant& added) {
    record_artifact_scores(project, added.variant_key, cache.path_for(added.variant_key), thresholds);
  });
}

}  // namespace backdrop
