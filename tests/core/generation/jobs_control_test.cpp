#include <QtTest>

#include "core/generation/jobs_control.h"
#include "core/generation/jobs_overview.h"
#include "core/generation/jobs_runner.h"
#include "core/generation/jobs_sqlite_queue.h"
#include "core/store/project.h"
#include "jobs_fixture.h"
#include "support/test_data.h"

using namespace backdrop;
using namespace std::chrono_literals;

namespace {

// Fails every variant of seed 1 with a reason naming it, paints the others.
class SeedOneFails : public VariantRenderer {
 public:
  void render(const VariantInputs& inputs, const std::filesystem::path& output,
              const CancellationToken& cancel) override {
    if (broken && inputs.seed == 1) throw std::runtime_error("out of memory on " + inputs.product_id);
    inner_.render(inputs, output, cancel);
  }
  bool broken = true;

 private:
  SolidColourRenderer inner_;
};

JobProgress progress_of(JobState state, int64_t pending, int64_t done, int64_t failed) {
  JobProgress progress;
  progress.state = state;
  progress.pending = pending;
  progress.done = done;
  progress.failed = failed;
  return progress;
}

const JobOverview& only_job(const std::vector<JobOverview>& jobs) {
  if (jobs.size() != 1) throw std::runtime_error("expected one job, found " + std::to_string(jobs.size()));
  return jobs.front();
}

}  // namespace

class JobsControlTest : public QObject {
  Q_OBJECT

 private slots:
  void actionsFollowTheState() {
    const auto running = job_actions(progress_of(JobState::active, 5, 2, 1));
    QVERIFY(running.pause && running.resume && running.cancel && running.retry_failed);
    const auto paused = job_actions(progress_of(JobState::paused, 5, 2, 0));
    QVERIFY(!paused.pause && paused.resume && paused.cancel && !paused.retry_failed);
    const auto finished = job_actions(progress_of(JobState::active, 0, 7, 1));
    QVERIFY(!finished.pause && !finished.resume && !finished.cancel && finished.retry_failed);
    const auto cancelled = job_actions(progress_of(JobState::cancelled, 235, 2, 1));
    QVERIFY(!cancelled.pause && !cancelled.resume && !cancelled.cancel && !cancelled.retry_failed);
  }

  void aPausedJobCanBeCancelledAndNoWorkerTakesItsTasks() {
    const auto file = test::make_job_project(test::scratch_dir("generation-jobs-control-cancel"), 3);
    SqliteJobQueue queue(file, "job");
    queue.submit(test::plan_job(file, 2));
    pause_job(queue);
    cancel_job(queue);
    const auto progress = queue.progress();
    QVERIFY(progress.state == JobState::cancelled);
    QCOMPARE(progress.pending, int64_t{6});  // unmade tasks stay recorded
    QVERIFY(!queue.claim("worker", 60s));
    SeedOneFails renderer;
    const auto summary = run_job(queue, renderer, CacheStore(project_cache_dir(file)), {1, 60s, 1ms, ""});
    QVERIFY(summary.outcome == JobRunOutcome::cancelled);
    QCOMPARE(summary.rendered, int64_t{0});
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, resume_job(queue));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, pause_job(queue));
    try {
      cancel_job(queue);
      QFAIL("a cancelled job was cancelled again");
    } catch (const std::runtime_error& error) {
      QVERIFY2(std::string(error.what()).find("'job': it is cancelled with 6 tasks left") != std::string::npos,
               error.what());
    }
  }

  void theStoreListsJobsAndFailuresAfterReopeningAndRetriesThem() {
    const auto file = test::make_job_project(test::scratch_dir("generation-jobs-control-overview"), 2);
    SeedOneFails renderer;
    {
      SqliteJobQueue queue(file, "studio-1");
      queue.submit(test::plan_job(file, 2));
      run_job(queue, renderer, CacheStore(project_cache_dir(file)), {1, 60s, 1ms, ""});
    }
    auto project = Project::open(file);  // as the Studio finds it after reopening
    const auto job = only_job(job_overviews(project));
    QCOMPARE(job.name, std::string("studio-1"));
    QVERIFY(job.progress.state == JobState::active);
    QCOMPARE(job.progress.done, int64_t{2});
    QCOMPARE(job.progress.failed, int64_t{2});
    QCOMPARE(job.progress.total(), int64_t{4});
    QVERIFY(!job.created_at.empty());
    const auto failures = failed_tasks(project, "studio-1");
    QCOMPARE(failures.size(), std::size_t{2});
    QCOMPARE(failures[0].error, "out of memory on " + failures[0].inputs.product_id);
    QCOMPARE(failures[0].inputs.seed, uint64_t{1});
    QCOMPARE(failures[0].attempts, int64_t{1});
    QVERIFY(failed_tasks(project, "no-such-job").empty());

    SqliteJobQueue queue(file, "studio-1");
    QCOMPARE(retry_failed_tasks(queue), int64_t{2});
    const auto retried = only_job(job_overviews(project)).progress;
    QCOMPARE(retried.pending, int64_t{2});
    QCOMPARE(retried.done, int64_t{2});  // counts continue from the store
    QVERIFY(failed_tasks(project, "studio-1").empty());
    renderer.broken = false;
    QCOMPARE(run_job(queue, renderer, CacheStore(project_cache_dir(file)), {1, 60s, 1ms, ""}).progress.done,
             int64_t{4});
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, retry_failed_tasks(queue));  // none failed
  }
};

QTEST_APPLESS_MAIN(JobsControlTest)
#include "jobs_control_test.moc"
