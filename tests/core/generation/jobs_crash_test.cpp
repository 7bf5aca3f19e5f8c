#include <QtTest>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "core/generation/cache_store.h"
#include "core/generation/jobs_sqlite_queue.h"
#include "core/store/project.h"
#include "core/store/sha256.h"
#include "jobs_fixture.h"
#include "support/test_data.h"

using namespace backdrop;
using namespace std::chrono_literals;

namespace {

// Enough work that the kills all land before the job could finish (a few tasks per run).
constexpr int kProducts = 80;
constexpr int kSeeds = 2;
constexpr int kThreads = 2;
constexpr int kKills = 24;

pid_t start_worker(const std::vector<std::string>& args) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

std::size_t size_of(const std::filesystem::path& file) {
  std::error_code error;
  const auto size = std::filesystem::file_size(file, error);
  return error ? 0 : size;
}

// Waits until the worker has rendered something (its log grew) or gave up, so most kills land
// in the middle of the work rather than while the process is still loading.
void wait_for_first_render(const std::filesystem::path& log, std::size_t size_at_start) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (size_of(log) == size_at_start && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
}

int wait_for(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

std::set<std::string> done_keys(const std::filesystem::path& file) {
  auto project = Project::open(file);
  Statement select(project.database(), "SELECT variant_key FROM job_tasks WHERE state = 'done'");
  std::set<std::string> keys;
  while (select.step()) keys.insert(select.column_text(0));
  return keys;
}

std::map<std::string, int> render_counts(const std::filesystem::path& log) {
  std::map<std::string, int> counts;
  std::ifstream in(log);
  std::string key;
  while (in >> key) ++counts[key];
  return counts;
}

}  // namespace

// Kills a worker process with SIGKILL at random moments, again and again, then lets one finish.
// After every kill: no committed result is lost, every variant row has its complete file, and
// there is exactly one variant per committed task. At the end: every task done once, no orphan
// files or temporaries, and re-rendering bounded by the work in flight at the kills.
class JobsCrashTest : public QObject {
  Q_OBJECT

 private slots:
  void survivesKillsAtRandomMoments() {
    const auto dir = test::scratch_dir("generation-jobs-crash");
    const auto file = test::make_job_project(dir, kProducts);
    const auto plan = test::plan_job(file, kSeeds);
    { SqliteJobQueue(file, "crash").submit(plan); }
    const CacheStore cache(project_cache_dir(file));
    const auto log = dir / "renders.log";
    const std::vector<std::string> args{BACKDROP_JOBS_WORKER, "run", file.string(), cache.root().string(),
                                        "crash", std::to_string(kThreads), "15", "300", log.string()};

    const unsigned seed = std::random_device{}();
    qInfo("random seed %u", seed);
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> moment_ms(0, 60);
    std::bernoulli_distribution during_startup(0.25);
    std::set<std::string> committed;
    int kills = 0;
    while (kills < kKills) {
      const auto log_size = size_of(log);
      const pid_t worker = start_worker(args);
      // One kill in four lands during start-up and recovery, the others in the middle of the work.
      if (!during_startup(random)) wait_for_first_render(log, log_size);
      std::this_thread::sleep_for(std::chrono::milliseconds(moment_ms(random)));
      kill(worker, SIGKILL);
      const int status = wait_for(worker);
      if (WIFSIGNALED(status)) ++kills;
      checkInvariants(file, cache, committed);
    }
    QVERIFY2(committed.size() < plan.size(), "the job finished before the last kill; raise kProducts");
    QVERIFY(!committed.empty());

    const pid_t last = start_worker(args);
    const int status = wait_for(last);
    QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    checkInvariants(file, cache, committed);
    QCOMPARE(committed.size(), plan.size());

    auto project = Project::open(file);
    QCOMPARE(project.variants().list().size(), plan.size());
    std::set<std::string> expected;
    for (const auto& variant : project.variants().list()) expected.insert(variant.image_path);
    const auto files = test::cache_files(cache.root());
    QCOMPARE(std::set<std::string>(files.begin(), files.end()), expected);  // no orphans, no temporaries

    const auto renders = render_counts(log);
    int total = 0;
    for (const auto& [key, count] : renders) total += count;
    qInfo("%d kills, %zu variants, %d renders", kills, plan.size(), total);
    QCOMPARE(renders.size(), plan.size());
    // A kill can only waste the renders in flight at that moment: at most one per thread.
    QVERIFY(total <= static_cast<int>(plan.size()) + kills * kThreads);
  }

 private:
  void checkInvariants(const std::filesystem::path& file, const CacheStore& cache, std::set<std::string>& committed) {
    const auto now = done_keys(file);
    for (const auto& key : committed) QVERIFY2(now.count(key) == 1, ("committed result lost: " + key).c_str());
    committed = now;
    auto project = Project::open(file);
    const auto variants = project.variants().list();
    QCOMPARE(variants.size(), now.size());
    for (const auto& variant : variants) {
      QVERIFY(now.count(variant.variant_key) == 1);
      QCOMPARE(sha256_file_hex(cache.root() / variant.image_path), variant.image_sha256);
    }
  }
};

QTEST_APPLESS_MAIN(JobsCrashTest)
#include "jobs_crash_test.moc"
