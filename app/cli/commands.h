#pragma once
// The subcommands of `backdrop`, one file each in app/cli/. Each registers itself on the app; its
// callback does the work, sets `exit_code` (0, or kExitPartialFailure when some items failed) and
// reports fatal failures as exceptions with context, which main() prints.

#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

#include "core/backgrounds/background_generator.h"

namespace backdrop {
class JobQueue;
struct JobRunSummary;
}  // namespace backdrop

namespace backdrop::cli {

// Exit code a command sets when it ran but some items failed (the summary says which).
inline constexpr int kExitPartialFailure = 3;

// Registration functions, in the order --help lists them.
void add_prepare_command(CLI::App& app, int& exit_code);
void add_bandit_command(CLI::App& app, int& exit_code);
void add_project_command(CLI::App& app, int& exit_code);  // project_command.cpp
void add_project_review_commands(CLI::App& project);      // project_review_command.cpp: prompts, variants
void add_project_priors_command(CLI::App& project);       // project_priors_command.cpp
void add_worker_command(CLI::App& app, int& exit_code);   // worker_command.cpp
void add_txt2img_command(CLI::App& app, int& exit_code);  // txt2img_command.cpp
void add_generate_command(CLI::App& app, int& exit_code);  // generate_command.cpp
void add_push_command(CLI::App& app, int& exit_code);      // push_command.cpp
// experiment_command.cpp
void add_experiment_command(CLI::App& app, int& exit_code);

// Shared by `backdrop worker` and `backdrop project jobs run` (worker_command.cpp).
struct JobRunCliOptions {
  std::string job = "catalogue";
  std::string cache;  // empty: the project's cache folder
  int threads = 1;
  double lease_seconds = 60;
  std::string renderer = "studio";  // studio, diffusion, or solid (the test renderer)
  // The diffusion renderer's weights and device; its steps, scheduler and guidance must be the ones
  // the variants were planned with (a task planned otherwise fails, saying so).
  backgrounds::DiffusionSettings diffusion;
};
// --job --cache --threads --lease --renderer and the diffusion renderer's weights options.
void add_job_run_options(CLI::App& command, JobRunCliOptions& options);
// Runs the queue's job with a progress line on stderr; Ctrl-C releases the tasks in flight.
backdrop::JobRunSummary run_job_from_cli(backdrop::JobQueue& queue, const std::filesystem::path& cache_dir,
                                         const JobRunCliOptions& options);

// Says how many masks saved before mask verdicts were just given one (saved_mask_review.h); nothing
// when none. Shared by `backdrop push` and `backdrop project jobs run` (project_command.cpp).
void print_saved_mask_review(size_t reviewed);
// Says how many products never prepared were just prepared with the project's segmentation settings
// (unprepared_products.h); nothing when none. Shared the same way.
void print_products_prepared(size_t prepared);

}  // namespace backdrop::cli
