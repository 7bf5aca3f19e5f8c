// `backdrop worker --db URL`: claims and renders a job's variants until the job is done, paused
// or interrupted (Ctrl-C releases the tasks in flight). Start one per machine (or per GPU); they
// share the queue, and a killed worker's tasks return to the others when its leases expire.
// Every renderer but the test one paints through core's render_variant(), as the Studio does.

#include <iomanip>
#include <iostream>
#include <mutex>

#include "app/cli/commands.h"
#include "app/cli/dtype_option.h"
#include "app/cli/interrupt.h"
#include "app/cli/lora_options.h"
#include "app/cli/recipe_option.h"
#include "core/generation/jobs_runner.h"
#include "core/rendering/generator_variant_renderer.h"
#include "core/rendering/scored_job_queue.h"
#include "core/store/postgres_connection.h"
#include "core/store/project.h"

namespace backdrop::cli {
namespace {

// The renderer and the generator it paints with, which must outlive it.
struct ChosenRenderer {
  std::unique_ptr<backgrounds::BackgroundGenerator> generator;
  std::unique_ptr<VariantRenderer> renderer;
};

ChosenRenderer make_renderer(const JobRunCliOptions& options, const std::filesystem::path& cache_dir) {
  ChosenRenderer chosen;
  if (options.renderer == "solid") {
    chosen.renderer = std::make_unique<SolidColourRenderer>();
    return chosen;
  }
  if (options.renderer == "diffusion") {
    if (options.diffusion.model.empty()) throw std::runtime_error("--renderer diffusion needs --model");
    chosen.generator = backgrounds::make_diffusion_generator(options.diffusion);
  } else {
    chosen.generator = std::make_unique<backgrounds::StudioBackgroundGenerator>();
  }
  chosen.renderer = std::make_unique<GeneratorVariantRenderer>(*chosen.generator, cache_dir);
  return chosen;
}

}  // namespace

void add_job_run_options(CLI::App& command, JobRunCliOptions& options) {
  command.add_option("--job", options.job, "Job name")->capture_default_str();
  command.add_option("--cache", options.cache, "Image cache folder (default: next to the project file)");
  command.add_option("--threads", options.threads, "Worker threads in this process (diffusion: one)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command.add_option("--lease", options.lease_seconds, "Seconds before a dead worker's tasks return to the queue")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      .add_option("--renderer", options.renderer,
                  "What paints the variants: studio (backdrop), diffusion (--model ...) or solid (test renderer)")
      ->check(CLI::IsMember({"studio", "diffusion", "solid"}))
      ->capture_default_str();
  auto& d = options.diffusion;
  command.add_option("--model", d.model, "diffusion: Stable Diffusion 1.x weights, diffusers folder or .safetensors");
  command.add_option("--controlnet", d.controlnet, "diffusion: canny ControlNet, folder or .safetensors");
  command.add_option("--tokenizer", d.tokenizer, "diffusion: tokenizer folder for single-file checkpoints");
  add_lora_option(command, d.loras);
  command.add_option("--device", d.device, "diffusion: cpu, cuda or cuda:N")->capture_default_str();
  add_dtype_option(command, d.dtype);
}

JobRunSummary run_job_from_cli(JobQueue& queue, const std::filesystem::path& cache_dir,
                               const JobRunCliOptions& options) {
  const CacheStore cache(cache_dir);
  const auto chosen = make_renderer(options, cache_dir);
  JobRunOptions run_options;
  run_options.threads = options.threads;  // the renderer bounds them (one for diffusion)
  run_options.lease = std::chrono::milliseconds(static_cast<int64_t>(options.lease_seconds * 1000));
  std::mutex output;
  const auto summary = [&] {
    const CancelOnInterrupt interrupt;
    return run_job(queue, *chosen.renderer, cache, run_options,
                   [&](const Progress& progress) {
                     std::lock_guard lock(output);
                     std::cerr << "\r" << progress.message << ": " << progress.done << "/" << progress.total
                               << std::flush;
                   },
                   interrupt.token());
  }();
  const auto& p = summary.progress;
  std::cerr << "\n";  // ends the progress line
  for (const auto& failure : summary.failures) std::cout << "failed: " << failure << "\n";
  std::cout << "job " << queue.job_name() << ": " << to_string(summary.outcome) << "; this run rendered "
            << summary.rendered << ", reused " << summary.reused << " from the cache, " << summary.failed
            << " failed; job " << p.done << "/" << p.total() << " done, " << p.failed << " failed, " << p.pending
            << " pending, " << p.claimed << " in flight\n";
  const int64_t handled = summary.rendered + summary.reused + summary.failed + summary.lost_leases;
  if (handled > 0) {
    const auto per_variant_ms = [handled](double seconds) { return seconds * 1000 / static_cast<double>(handled); };
    std::cout << "per variant: rendering " << std::fixed << std::setprecision(1)
              << per_variant_ms(summary.render_seconds) << " ms, queue bookkeeping "
              << per_variant_ms(summary.queue_seconds) << " ms (" << handled << " variants)\n"
              << std::defaultfloat;
  }
  return summary;
}

void add_worker_command(CLI::App& app, int& exit_code) {
  auto* command = app.add_subcommand("worker", "Render a job's variants from a shared queue until it is done");
  auto options = std::make_shared<JobRunCliOptions>();
  auto database = std::make_shared<std::string>();
  command->add_option("--db", *database, "postgresql://user@host:port/db, or a project file")->required();
  add_job_run_options(*command, *options);
  auto& d = options->diffusion;
  d.scheduler = backgrounds::kDefaultScheduler;  // the planning default
  command->add_option("--steps", d.steps, "diffusion: denoising steps, as planned")->capture_default_str();
  command->add_option("--scheduler", d.scheduler, "diffusion: scheduler, as planned")->capture_default_str();
  command->add_option("--guidance", d.guidance_scale, "diffusion: guidance scale, as planned")->capture_default_str();
  auto recipe = std::make_shared<RecipeOption>();
  recipe->add_to(*command);
  command->callback([options, database, recipe, command, &exit_code] {
    recipe->apply(*command, options->diffusion.scheduler, options->diffusion.steps, options->diffusion.guidance_scale,
                  {"--scheduler", "--steps", "--guidance"});
    std::filesystem::path cache = options->cache;
    if (cache.empty()) {
      if (is_postgres_url(*database)) throw std::runtime_error("worker: --cache is required with a PostgreSQL queue");
      cache = project_cache_dir(*database);
    }
    const auto queue = open_job_queue(*database, options->job);
    if (is_postgres_url(*database)) {
      // Scores and flags reach the project when `project jobs run` collects the results.
      if (run_job_from_cli(*queue, cache, *options).failed > 0) exit_code = kExitPartialFailure;
      return;
    }
    auto project = Project::open(*database);  // a queue in the project file: score as results land
    ScoredJobQueue scored(*queue, project, CacheStore(cache));
    if (run_job_from_cli(scored, cache, *options).failed > 0) exit_code = kExitPartialFailure;
  });
}

}  // namespace backdrop::cli
