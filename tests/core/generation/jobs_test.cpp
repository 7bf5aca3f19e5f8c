#include <QtTest>

#include <set>

#include <atomic>

#include "core/generation/jobs_runner.h"
#include "core/generation/jobs_sqlite_queue.h"
#include "core/store/project.h"
#include "core/store/sha256.h"
#include "jobs_fixture.h"
#include "support/test_data.h"

using namespace backdrop;
using namespace std::chrono_literals;

namespace {

// Runs a callback after each render: pauses, cancels or fails on cue.
class HookedRenderer : public VariantRenderer {
 public:
  explicit HookedRenderer(std::function<void(const VariantInputs&, int)> hook, std::chrono::milliseconds work = 0ms)
      : hook_(std::move(hook)), inner_(work) {}
  void render(const VariantInputs& inputs, const std::filesystem::path& output,
              const CancellationToken& cancel) override {
    inner_.render(inputs, output, cancel);
    hook_(inputs, ++count_);
  }
  std::atomic<int> count_{0};

 private:
  std::function<void(const VariantInputs&, int)> hook_;
  SolidColourRenderer inner_;
};

// Paints one variant at a time and records how many renders ever overlapped.
class OneAtATimeRenderer : public VariantRenderer {
 public:
  void render(const VariantInputs& inputs, const std::filesystem::path& output,
              const CancellationToken& cancel) override {
    const int now = ++in_flight_;
    int seen = most_.load();
    while (now > seen && !most_.compare_exchange_weak(seen, now)) {
    }
    inner_.render(inputs, output, cancel);
    --in_flight_;
  }
  int max_parallel_renders() const override { return 1; }
  int most_in_flight() const { return most_.load(); }

 private:
  std::atomic<int> in_flight_{0};
  std::atomic<int> most_{0};
  SolidColourRenderer inner_{5ms};
};

struct JobSetup {
  std::filesystem::path project_file;
  CacheStore cache;
};

JobSetup setup(const std::string& name, int products) {
  const auto dir = test::scratch_dir(name);
  const auto file = test::make_job_project(dir, products);
  return {file, CacheStore(project_cache_dir(file))};
}

}  // namespace

class JobsTest : public QObject {
  Q_OBJECT

 private slots:
  void productsWhoseMaskNeedsAttentionAreNotPlanned() {
    auto [file, cache] = setup("generation-jobs-held-back", 3);
    {
      auto project = Project::open(file);
      project.masks().record_computed("p1", "plain-background", 0.5, {"the mask touches the image border"}, true);
      project.masks().record_computed("p2", "plain-background", 0.95, {}, false);
    }
    auto planned = [&] {
      std::set<std::string> products;
      for (const auto& inputs : test::plan_job(file, 1)) products.insert(inputs.product_id);
      return products;
    };
    QCOMPARE(planned(), (std::set<std::string>{"p0", "p2"}));
    Project::open(file).masks().accept("p1", "merchandiser");
    QCOMPARE(planned(), (std::set<std::string>{"p0", "p1", "p2"}));
  }

  void runsAJobOnThreadsAndStoresItsVariants() {
    auto [file, cache] = setup("generation-jobs-run", 10);
    SqliteJobQueue queue(file, "catalogue");
    QCOMPARE(queue.submit(test::plan_job(file, 2)), int64_t{20});
    QCOMPARE(queue.submit(test::plan_job(file, 2)), int64_t{0});  // idempotent
    SolidColourRenderer renderer;
    int64_t reported = 0;
    const auto summary = run_job(queue, renderer, cache, {3, 60s, 10ms, ""}, [&](const Progress& p) { reported = p.total; });
    QVERIFY(summary.outcome == JobRunOutcome::finished);
    QCOMPARE(summary.rendered, int64_t{20});
    QCOMPARE(summary.progress.done, int64_t{20});
    QCOMPARE(reported, int64_t{20});
    auto project = Project::open(file);
    const auto variants = project.variants().list();
    QCOMPARE(variants.size(), std::size_t{20});
    for (const auto& variant : variants) {
      const auto image = cache.root() / variant.image_path;
      QVERIFY(std::filesystem::is_regular_file(image));
      QCOMPARE(sha256_file_hex(image), variant.image_sha256);
      QVERIFY(variant.status == VariantStatus::generated);
    }
    QCOMPARE(test::cache_files(cache.root()).size(), std::size_t{20});
  }

  void theRunnerStartsNoMoreThreadsThanTheRendererPaintsAtOnce() {
    auto [file, cache] = setup("generation-jobs-one-at-a-time", 6);
    SqliteJobQueue queue(file, "catalogue");
    queue.submit(test::plan_job(file, 2));
    OneAtATimeRenderer renderer;
    const auto summary = run_job(queue, renderer, cache, {4, 60s, 10ms, ""});
    QCOMPARE(summary.rendered, int64_t{12});
    QCOMPARE(renderer.most_in_flight(), 1);
  }

  void rerunningComputesOnlyWhatIsMissing() {
    auto [file, cache] = setup("generation-jobs-rerun", 10);
    SolidColourRenderer renderer;
    SqliteJobQueue first(file, "first");
    first.submit(test::plan_job(file, 2));
    QCOMPARE(run_job(first, renderer, cache, {2, 60s, 10ms, ""}).rendered, int64_t{20});

    SqliteJobQueue second(file, "second");
    QCOMPARE(second.submit(test::plan_job(file, 3)), int64_t{30});
    const auto summary = run_job(second, renderer, cache, {2, 60s, 10ms, ""});
    QCOMPARE(summary.rendered, int64_t{10});
    QCOMPARE(summary.reused, int64_t{20});
    QCOMPARE(Project::open(file).variants().list().size(), std::size_t{30});
  }

  void aPausedJobStopsAndResumes() {
    auto [file, cache] = setup("generation-jobs-pause", 10);
    SqliteJobQueue queue(file, "job");
    queue.submit(test::plan_job(file, 2));
    HookedRenderer renderer([&](const VariantInputs&, int count) {
      if (count == 3) queue.set_state(JobState::paused);
    });
    const auto paused = run_job(queue, renderer, cache, {2, 60s, 10ms, ""});
    QVERIFY(paused.outcome == JobRunOutcome::paused);
    QVERIFY(paused.progress.done >= 3 && paused.progress.done < 20);
    QCOMPARE(paused.progress.claimed, int64_t{0});  // tasks in flight were finished, not abandoned

    queue.set_state(JobState::active);
    const auto resumed = run_job(queue, renderer, cache, {2, 60s, 10ms, ""});
    QVERIFY(resumed.outcome == JobRunOutcome::finished);
    QCOMPARE(resumed.progress.done, int64_t{20});
    QCOMPARE(paused.rendered + resumed.rendered, int64_t{20});
  }

  void cancellingReleasesTasksInFlight() {
    auto [file, cache] = setup("generation-jobs-cancel", 10);
    SqliteJobQueue queue(file, "job");
    queue.submit(test::plan_job(file, 2));
    CancellationToken cancel;
    HookedRenderer renderer([&](const VariantInputs&, int count) {
      if (count == 2) cancel.cancel();
    }, 20ms);
    const auto summary = run_job(queue, renderer, cache, {2, 60s, 10ms, ""}, {}, cancel);
    QVERIFY(summary.outcome == JobRunOutcome::cancelled);
    QCOMPARE(summary.progress.claimed, int64_t{0});
    QVERIFY(summary.progress.pending > 0);
    QCOMPARE(summary.progress.done, summary.rendered);
    for (const auto& file_name : test::cache_files(cache.root())) QVERIFY(file_name.find(".tmp~") == std::string::npos);
  }

  void anExpiredLeaseIsClaimedAgainAndOnlyOneCommitCounts() {
    auto [file, cache] = setup("generation-jobs-lease", 2);
    SqliteJobQueue queue(file, "job");
    queue.submit(test::plan_job(file, 1));
    const auto first = queue.claim("a", 1ms);
    std::this_thread::sleep_for(5ms);
    const auto second = queue.claim("b", 60s);
    QVERIFY(first && second);
    QCOMPARE(second->id, first->id);  // a's lease expired: b took the task over
    const auto third = queue.claim("c", 60s);
    QVERIFY(third && third->id != first->id);  // b's lease is live: c gets the other task
    const JobResult result{CacheStore::relative_path(first->variant_key), "hash"};
    QVERIFY(!queue.complete(*first, "a", result));
    QVERIFY(queue.complete(*second, "b", result));
    QVERIFY(!queue.complete(*second, "b", result));
    QCOMPARE(queue.progress().done, int64_t{1});
    QCOMPARE(Project::open(file).variants().list().size(), std::size_t{1});
  }

  void aFailingRenderIsRecordedAndCanBeRetried() {
    auto [file, cache] = setup("generation-jobs-fail", 4);
    SqliteJobQueue queue(file, "job");
    queue.submit(test::plan_job(file, 2));
    bool broken = true;
    HookedRenderer renderer([&](const VariantInputs& inputs, int) {
      if (broken && inputs.seed == 1) throw std::runtime_error("out of memory");
    });
    const auto summary = run_job(queue, renderer, cache, {2, 60s, 10ms, ""});
    QCOMPARE(summary.failed, int64_t{4});
    QCOMPARE(summary.progress.failed, int64_t{4});
    QCOMPARE(summary.progress.done, int64_t{4});
    auto project = Project::open(file);  // outlives the statement (a temporary left it dangling, its connection leaked)
    Statement error(project.database(), "SELECT error FROM job_tasks WHERE state = 'failed' LIMIT 1");
    QVERIFY(error.step());
    QCOMPARE(error.column_text(0), std::string("out of memory"));
    QCOMPARE(test::cache_files(cache.root()).size(), std::size_t{4});  // no temporaries left behind

    broken = false;
    QCOMPARE(queue.retry_failed(), int64_t{4});
    QCOMPARE(run_job(queue, renderer, cache, {2, 60s, 10ms, ""}).progress.done, int64_t{8});
  }

  // A task whose key does not describe its inputs (planned by a Backdrop whose inputs meant other
  // pixels) fails with the reason instead of caching pixels under a key that says otherwise.
  void aTaskWhoseKeyIsNotItsInputsIsRefused() {
    auto [file, cache] = setup("generation-jobs-stale-key", 2);
    SqliteJobQueue queue(file, "job");
    queue.submit(test::plan_job(file, 1));
    {
      auto project = Project::open(file);
      project.database().exec(
          "UPDATE job_tasks SET variant_key = 'ffff' || substr(variant_key, 5) WHERE id = "
          "(SELECT min(id) FROM job_tasks)",
          "a stale key");
    }
    HookedRenderer renderer([](const VariantInputs&, int) {});
    const auto summary = run_job(queue, renderer, cache, {1, 60s, 10ms, ""});
    QCOMPARE(summary.failed, int64_t{1});
    QCOMPARE(renderer.count_.load(), 1);  // the other task was rendered, the stale one never
    QCOMPARE(summary.failures.size(), std::size_t{1});
    QVERIFY2(summary.failures.front().find("planned by another version of Backdrop") != std::string::npos,
             summary.failures.front().c_str());
  }
};

QTEST_APPLESS_MAIN(JobsTest)
#include "jobs_test.moc"
