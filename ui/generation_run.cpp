#include "ui/generation_run.h"

#include <QObject>
#include <algorithm>

#include "core/generation/jobs_control.h"
#include "core/generation/jobs_plan.h"
#include "core/generation/jobs_runner.h"
#include "core/generation/jobs_sqlite_queue.h"
#include "core/preparation/saved_mask_review.h"
#include "core/preparation/unprepared_products.h"
#include "core/rendering/generator_variant_renderer.h"
#include "core/rendering/scored_job_queue.h"
#include "core/store/project.h"

namespace backdrop::ui {
namespace {

QString summaryText(const JobRunSummary& summary) {
  return QObject::tr("%1: %2 rendered, %3 reused, %4 failed")
      .arg(QString::fromStdString(to_string(summary.outcome)))
      .arg(summary.rendered)
      .arg(summary.reused)
      .arg(summary.failed);
}

}  // namespace

QString heldBackNote(Project& project, const std::vector<std::string>& productIds) {
  QStringList heldBack;  // planning leaves them out until a person accepts or repaints the mask
  for (const auto& mask : project.masks().held_back()) {
    if (productIds.empty() || std::find(productIds.begin(), productIds.end(), mask.product) != productIds.end()) {
      heldBack << QString::fromStdString(mask.product);
    }
  }
  return heldBack.isEmpty() ? QString() : QObject::tr("; held back, mask needs attention: %1").arg(heldBack.join(", "));
}

std::vector<VariantInputs> planRun(Project& project, const RunRequest& request) {
  return plan_variants(project, planned_generation_settings(request.choices));
}

namespace {

// Runs the queued job's remaining tasks with core's runner; the counters follow the store.
QString runQueue(Project& project, const RunRequest& request, backgrounds::BackgroundGenerator& generator,
                 GenerationCounters& counters, const CancellationToken& cancel) {
  const auto cache = project.cache_dir();
  SqliteJobQueue jobs(request.projectFile, request.jobName);
  ScoredJobQueue queue(jobs, project, CacheStore(cache));
  const auto queued = queue.progress();  // the runner reports after its first variant; show the job now
  counters.done.store(queued.done + queued.failed);
  counters.total.store(queued.total());
  JobRunOptions options;
  options.threads = request.threads;  // the renderer bounds them (one for diffusion)
  GeneratorVariantRenderer renderer(generator, cache, [&counters](int64_t step, int64_t total) {
    counters.steps.store(total);
    counters.step.store(step);
  });
  auto summary = run_job(
      queue, renderer, CacheStore(cache), options,
      [&counters](const Progress& progress) {
        counters.done.store(progress.done);
        counters.total.store(progress.total);
      },
      cancel);
  if (counters.cancelJob.load() && job_actions(summary.progress).cancel) {
    cancel_job(queue);  // Cancel ends the job: no later run or worker takes its unmade tasks
    summary.progress = queue.progress();
  }
  counters.done.store(summary.progress.done + summary.progress.failed);
  counters.total.store(summary.progress.total());
  return summaryText(summary);
}

}  // namespace

// Runs on a worker thread with its own connections to the project file. The diffusion models are
// opened before anything is queued: weights that cannot be loaded fail the run with the reason and
// leave the project as it was.
QString runGeneration(const RunRequest& request, GenerationCounters& counters, const CancellationToken& cancel) {
  const auto generator = openGenerator(request.choices.generator);  // the studio backdrop or the diffusion models
  auto project = Project::open(request.projectFile);
  review_unreviewed_masks(project);  // before planning, so that doubtful masks are held back
  // Products never prepared get Prepare's mask and verdict (Cancel stops it between products). Its
  // progress is not shown in the variant counters: a total there enables Pause before the job exists.
  prepare_unprepared_products(project, {}, cancel);
  const auto variants = planRun(project, request);
  if (cancel.cancelled()) throw Cancelled();  // before the job exists: nothing is left to cancel
  SqliteJobQueue(request.projectFile, request.jobName).submit(variants);
  return runQueue(project, request, *generator, counters, cancel) + heldBackNote(project, request.choices.products);
}

QString runQueuedJob(const RunRequest& request, GenerationCounters& counters, const CancellationToken& cancel) {
  const auto generator = openGenerator(request.choices.generator);
  auto project = Project::open(request.projectFile);
  return runQueue(project, request, *generator, counters, cancel);
}

}  // namespace backdrop::ui
