// `backdrop worker --db URL`: claims and renders a job's variants until the job is done, paused
// or interrupted (Ctrl-C releases the tasks in flight). Start one per machine (or per GPU); they
// share the queue, and a killed worker's tasks return to the others when its leases expire.

#include <iostream>
#include <mutex>

#include "app/cli/commands.h"
#include "app/cli/interrupt.h"
#include "core/generation/jobs_runner.h"
#include "core/store/postgres_connection.h"
#include "core/store/project.h"

namespace backdrop::cli {
namespace {

std::unique_ptr<VariantRenderer> make_renderer(const std::string& name) {
  if (name == "solid") return std::make_unique<SolidColourRenderer>();
  throw std::runtime_error("unknown renderer '" + name + "'");
}

}  // namespace

void add_job_run_options(CLI::App& command, JobRunCliOptions& options) {
  command.add_option("--job", options.job, "Job name")->capture_default_str();
  command.add_option("--cache", options.cache, "Image cache folder (default: next to the project file)");
  command.add_option("--threads", options.threads, "Worker threads in this process")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command.add_option("--lease", options.lease_seconds, "Seconds before a dead worker's tasks return to the queue")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command.add_option("--renderer", options.renderer, "What draws the variants: solid (test renderer)")
      ->check(CLI::IsMember({"solid"}))
      ->capture_default_str();
}

JobRunSummary run_job_from_cli(JobQueue& queue, const std::filesystem::path& cache_dir,
                               const JobRunCliOptions& options) {
  const CacheStore cache(cache_dir);
  const auto renderer = make_renderer(options.renderer);
  JobRunOptions run_options;
  run_options.threads = options.threads;
  run_options.lease = std::chrono::milliseconds(static_cast<int64_t>(options.lease_seconds * 1000));
  std::mutex output;
  const auto summary = [&] {
    const CancelOnInterrupt interrupt;
    return run_job(queue, *renderer, cache, run_options,
                   [&](const Progress& progress) {
                     std::lock_guard lock(output);
                     std::cerr << "\r" << progress.message << ": " << progress.done << "/" << progress.total
                               << std::flush;
                   },
                   interrupt.token());
  }();
  const auto& p = summary.progress;
  std::cerr << "\n";  // ends the progress line
  std::cout << "job " << queue.job_name() << ": " << to_string(summary.outcome) << "; this run rendered "
            << summary.rendered << ", reused " << summary.reused << " from the cache, " << summary.failed
            << " failed; job " << p.done << "/" << p.total() << " done, " << p.failed << " failed, " << p.pending
            << " pending, " << p.claimed << " in flight\n";
  return summary;
}

void add_worker_command(CLI::App& app, int& exit_code) {
  auto* command = app.add_subcommand("worker", "Render a job's variants from a shared queue until it is done");
  auto options = std::make_shared<JobRunCliOptions>();
  auto database = std::make_shared<std::string>();
  command->add_option("--db", *database, "postgresql://user@host:port/db, or a project file")->required();
  add_job_run_options(*command, *options);
  command->callback([options, database, &exit_code] {
    std::filesystem::path cache = options->cache;
    if (cache.empty()) {
      if (is_postgres_url(*database)) throw std::runtime_error("worker: --cache is required with a PostgreSQL queue");
      cache = project_cache_dir(*database);
    }
    const auto queue = open_job_queue(*database, options->job);
    const auto summary = run_job_from_cli(*queue, cache, *options);
    if (summary.failed > 0) exit_code = kExitPartialFailure;
  });
}

}  // namespace backdrop::cli
