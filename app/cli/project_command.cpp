// `backdrop project`: create a project file, import a catalogue, list and edit its placements,
// show its state, and run, pause or resume its generation jobs (locally, or through a PostgreSQL
// queue for many machines).

#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "app/cli/commands.h"
#include "app/cli/recipe_option.h"
#include "app/cli/segmenter_options.h"
#include "core/backgrounds/generation_recipe.h"
#include "core/generation/jobs_control.h"
#include "core/generation/jobs_plan.h"
#include "core/generation/jobs_postgres_queue.h"
#include "core/generation/jobs_runner.h"
#include "core/generation/jobs_sqlite_queue.h"
#include "core/generation/plan_summary.h"
#include "core/imaging/placement.h"
#include "core/preparation/saved_mask_review.h"
#include "core/preparation/unprepared_products.h"
#include "core/rendering/library_prompt_sets.h"
#include "core/rendering/planned_settings.h"
#include "core/rendering/scored_job_queue.h"
#include "core/store/catalog_import.h"
#include "core/store/project.h"

namespace backdrop::cli {
namespace {

// "--column id=sku" style overrides of the catalog.csv column names.
CatalogColumns parse_columns(const std::vector<std::string>& mappings) {
  CatalogColumns columns;
  const std::map<std::string, std::string*> fields{
      {"id", &columns.id}, {"category", &columns.category}, {"title", &columns.title}, {"image", &columns.image}};
  for (const auto& mapping : mappings) {
    const auto equals = mapping.find('=');
    const auto field = fields.find(mapping.substr(0, equals));
    if (equals == std::string::npos || field == fields.end()) {
      throw std::runtime_error("--column '" + mapping + "': expected id|category|title|image=<CSV column>");
    }
    *field->second = mapping.substr(equals + 1);
  }
  return columns;
}

void print_report(const ImportReport& report) {
  std::cout << "imported: " << report.added << " added, " << report.updated << " updated, " << report.unchanged
            << " unchanged, " << report.issues.size() << " skipped\n";
  for (const auto& issue : report.issues) {
    std::cout << "  " << (issue.line > 0 ? "line " + std::to_string(issue.line) + ": " : "") << issue.message << "\n";
  }
}

void print_library_drafts(const std::vector<PromptSet>& drafts) {
  for (const auto& draft : drafts) {
    std::cout << "  " << draft.category << ": prompt set v" << draft.version << " drafted from the installed library ("
              << draft.prompts.size() << " prompts), to review and approve\n";
  }
}

void print_progress(const std::string& name, const JobProgress& p) {
  std::cout << "  job " << name << " (" << to_string(p.state) << "): " << p.done << "/" << p.total() << " done, "
            << p.failed << " failed, " << p.pending << " pending, " << p.claimed << " in flight\n";
}

void print_status(const std::filesystem::path& file, const std::string& database, const std::string& job) {
  auto project = Project::open(file);
  std::cout << file.string() << " (schema " << project.schema_version() << ")\n"
            << "  products: " << project.products().count() << " in " << project.products().categories().size()
            << " categories\n";
  const auto counts = project.variants().count_by_status();
  std::cout << "  variants:";
  for (const auto status :
       {VariantStatus::generated, VariantStatus::flagged, VariantStatus::approved, VariantStatus::rejected}) {
    const auto found = counts.find(status);
    std::cout << " " << to_string(status) << " " << (found == counts.end() ? 0 : found->second);
  }
  std::cout << "\n";
  if (is_postgres_url(database)) {
    print_progress(job, open_job_queue(database, job)->progress());
    return;
  }
  for (const auto& name : sqlite_job_names(project)) print_progress(name, SqliteJobQueue(file, name).progress());
}

struct JobsArguments {
  std::filesystem::path file;
  std::string database;  // empty: the project file
  JobRunCliOptions run;
  int seeds = 1;
  std::vector<std::string> placements;  // empty: all the project's
  std::vector<std::string> colours{"none"};
  int steps = backgrounds::kDefaultSteps;
  std::string scheduler = backgrounds::kDefaultScheduler;
  double guidance = backgrounds::kDefaultGuidanceScale;
  RecipeOption recipe;
  bool submit_only = false;

  std::string queue_database() const { return database.empty() ? file.string() : database; }
};

// The Studio's Generate plans with the same function from the same choices.
GenerationSettings planned_settings(const JobsArguments& arguments) {
  RunChoices choices;
  choices.generator = {arguments.run.renderer == "diffusion", arguments.run.diffusion};
  choices.seeds = arguments.seeds;
  choices.placements = arguments.placements;
  choices.colours = arguments.colours;
  return planned_generation_settings(choices);
}

void run_jobs(JobsArguments arguments, int& exit_code) {
  // Before anything is queued: variants planned without their weights would be keyed as others.
  if (arguments.run.renderer == "diffusion" && arguments.run.diffusion.model.empty()) {
    throw std::runtime_error("project jobs run: --renderer diffusion needs --model");
  }
  // This process plans and renders with the same parameters.
  arguments.run.diffusion.steps = arguments.steps;
  arguments.run.diffusion.scheduler = arguments.scheduler;
  arguments.run.diffusion.guidance_scale = arguments.guidance;
  auto project = Project::open(arguments.file);
  const auto settings = planned_settings(arguments);
  print_saved_mask_review(review_unreviewed_masks(project));  // before planning, so they are held back
  print_products_prepared(prepare_unprepared_products(project));  // the same for products never prepared
  const auto queue = open_job_queue(arguments.queue_database(), arguments.run.job);
  const auto plan = plan_variants(project, settings);
  std::cout << "planned: " << describe_plan(summarize_plan(plan)) << "\n";
  const auto added = queue->submit(plan);
  std::cout << "job " << arguments.run.job << ": " << added << " new variants queued\n";
  for (const auto& mask : project.masks().held_back()) {
    std::cout << "held back " << mask.product << ": mask needs attention";
    for (const auto& reason : mask.reasons) std::cout << "; " << reason;
    std::cout << "\n";
  }
  if (arguments.submit_only) return;
  const auto cache = arguments.run.cache.empty() ? project.cache_dir() : std::filesystem::path(arguments.run.cache);
  auto* shared = dynamic_cast<PostgresJobQueue*>(queue.get());
  if (shared == nullptr) {
    // In the project file: each result's score and automatic flag land as it is committed.
    ScoredJobQueue scored(*queue, project, CacheStore(cache));
    if (run_job_from_cli(scored, cache, arguments.run).failed > 0) exit_code = kExitPartialFailure;
    return;
  }
  if (run_job_from_cli(*shared, cache, arguments.run).failed > 0) exit_code = kExitPartialFailure;
  std::cout << "collected " << collect_scored_results(*shared, project, CacheStore(cache)) << " results into "
            << arguments.file.string() << "\n";
}

void add_database_options(CLI::App& command, JobsArguments& arguments) {
  command.add_option("file", arguments.file, "Project file")->required();
  command.add_option("--db", arguments.database, "Queue in PostgreSQL (postgresql://...) instead of the project file");
}

// A command that applies `action` to an existing job and prints the job's state after it.
void add_job_control_command(CLI::App& jobs, const std::string& name, const std::string& description,
                             std::function<void(JobQueue&)> action) {
  auto arguments = std::make_shared<JobsArguments>();
  auto* command = jobs.add_subcommand(name, description);
  add_database_options(*command, *arguments);
  command->add_option("--job", arguments->run.job, "Job name")->capture_default_str();
  command->callback([arguments, action] {
    Project::open(arguments->file);  // a typo in the file name is an error, not a new job
    const auto queue = open_existing_job_queue(arguments->queue_database(), arguments->run.job);
    action(*queue);
    std::cout << "job " << arguments->run.job << ": " << to_string(queue->progress().state) << "\n";
  });
}

void add_jobs_command(CLI::App& project, int& exit_code) {
  auto* jobs = project.add_subcommand("jobs", "Run, pause, resume, cancel and retry generation jobs");
  jobs->require_subcommand(1);

  auto run_arguments = std::make_shared<JobsArguments>();
  auto* run = jobs->add_subcommand("run", "Queue the project's variants and render what is missing");
  add_database_options(*run, *run_arguments);
  add_job_run_options(*run, run_arguments->run);
  run->add_option("--seeds", run_arguments->seeds, "Seeds per product, prompt and placement")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  run->add_option("--placements", run_arguments->placements,
                  "The project's placements to generate for, comma-separated (default: all)")
      ->delimiter(',');
  run->add_option("--colours", run_arguments->colours, "Colours: none, palette[:N], #rrggbb, comma-separated")
      ->delimiter(',')
      ->capture_default_str();
  run->add_option("--steps", run_arguments->steps, "Denoising steps")->capture_default_str();
  run->add_option("--scheduler", run_arguments->scheduler, "Scheduler")->capture_default_str();
  run->add_option("--guidance", run_arguments->guidance, "Classifier-free guidance scale")->capture_default_str();
  run_arguments->recipe.add_to(*run);
  run->add_flag("--submit-only", run_arguments->submit_only,
                "Only queue the variants (then start `backdrop worker` processes)");
  run->callback([run_arguments, run, &exit_code] {
    auto& a = *run_arguments;
    a.recipe.apply(*run, a.scheduler, a.steps, a.guidance, {"--scheduler", "--steps", "--guidance"});
    run_jobs(a, exit_code);
  });

  add_job_control_command(*jobs, "pause", "Pause a job: workers finish their current variant and stop",
                          [](JobQueue& queue) { pause_job(queue); });
  add_job_control_command(*jobs, "resume", "Let a paused job's workers continue (run `jobs run` or workers)",
                          [](JobQueue& queue) { resume_job(queue); });
  add_job_control_command(*jobs, "cancel", "Cancel a job: its unmade variants stay listed, no worker takes them",
                          [](JobQueue& queue) { cancel_job(queue); });
  add_job_control_command(
      *jobs, "retry", "Queue a job's failed variants again (then run `jobs run` or workers)",
      [](JobQueue& queue) { std::cout << retry_failed_tasks(queue) << " failed variants queued again\n"; });
}

void print_segmentation(const imaging::SegmenterSettings& settings) {
  std::cout << "segmenter model: "
            << (settings.model.empty() ? "(none: the classical segmenter alone)" : settings.model.string())
            << "\npreset: " << imaging::preset_name(settings.preset);
  if (settings.preset == imaging::SegmenterPreset::Custom) {
    std::cout << " (size " << settings.custom.size << ", mean " << imaging::channel_values_text(settings.custom.mean)
              << ", std " << imaging::channel_values_text(settings.custom.std) << ")";
  }
  std::cout << "\nconfidence threshold: " << settings.confidence_threshold << "\n";
}

// `backdrop project segmentation FILE [flags]`: shows the project's segmentation settings, after
// storing the flags given into them.
void add_segmentation_command(CLI::App& project) {
  struct Arguments {
    std::filesystem::path file;
    SegmenterArguments segmenter;
    bool no_model = false;
  };
  auto arguments = std::make_shared<Arguments>();
  auto* command = project.add_subcommand(
      "segmentation", "Show or set the project's segmentation model, preset and confidence threshold");
  command->add_option("file", arguments->file, "Project file")->required()->check(CLI::ExistingFile);
  add_segmenter_options(*command, arguments->segmenter);
  command->add_flag("--no-segmenter-model", arguments->no_model, "Forget the model: the classical segmenter alone");
  command->callback([arguments] {
    auto opened = Project::open(arguments->file);
    auto settings = resolve_segmenter_arguments(arguments->segmenter, &opened);
    if (arguments->no_model) settings.model.clear();
    if (!settings.model.empty()) settings.model = std::filesystem::weakly_canonical(settings.model);
    save_segmenter_settings(opened, settings);
    print_segmentation(load_segmenter_settings(opened));
  });
}

// "square 1080x1080 x=rule y=0.4 scale=0.5": "rule" where the category's layout rule decides.
void print_placement(const Placement& placement) {
  const auto part = [](const std::optional<double>& value) {
    if (!value) return std::string("rule");
    std::ostringstream text;
    text << *value;
    return text.str();
  };
  const auto& position = placement.position;
  std::cout << placement.name << " " << placement.width << "x" << placement.height << " x=" << part(position.x)
            << " y=" << part(position.y) << " scale=" << part(position.scale) << "\n";
}

// `backdrop project placements list|add|remove FILE ...`: the ad placements the project generates for.
void add_placements_command(CLI::App& project) {
  struct Arguments {
    std::filesystem::path file;
    std::string name;
    std::string size;  // WxH
    Placement placement;
    double x = 0, y = 0, scale = 0;  // the position's parts, where given
  };
  auto* placements = project.add_subcommand("placements", "List, add or remove the project's ad placements");
  placements->require_subcommand(1);

  auto list_arguments = std::make_shared<Arguments>();
  auto* list = placements->add_subcommand("list", "The placements variants are generated for");
  list->add_option("file", list_arguments->file, "Project file")->required()->check(CLI::ExistingFile);
  list->callback([list_arguments] {
    for (const auto& placement : Project::open(list_arguments->file).placements().list()) print_placement(placement);
  });

  auto add_arguments = std::make_shared<Arguments>();
  auto* add = placements->add_subcommand("add", "Add a placement, or replace the one with the same name");
  add->add_option("file", add_arguments->file, "Project file")->required()->check(CLI::ExistingFile);
  add->add_option("name", add_arguments->placement.name, "Placement name, e.g. square")->required();
  add->add_option("size", add_arguments->size, "Canvas size WxH, or a default placement's name")->required();
  const auto* x =
      add->add_option("--x", add_arguments->x,
                      "Centre of the product, share of the canvas width (default: the category's layout rule)");
  const auto* y = add->add_option("--y", add_arguments->y,
                                  "Centre of the product, share of the canvas height (default: the layout rule)");
  const auto* scale =
      add->add_option("--scale", add_arguments->scale,
                      "Share of the canvas the product fills on its limiting side, (0, 1] (default: the layout rule)");
  add->callback([add_arguments, x, y, scale] {
    auto placement = add_arguments->placement;
    if (x->count() > 0) placement.position.x = add_arguments->x;
    if (y->count() > 0) placement.position.y = add_arguments->y;
    if (scale->count() > 0) placement.position.scale = add_arguments->scale;
    const auto canvas = imaging::parse_placements(add_arguments->size);
    if (canvas.size() != 1) throw std::runtime_error("size '" + add_arguments->size + "': expected one WxH");
    placement.width = canvas.front().width;
    placement.height = canvas.front().height;
    auto opened = Project::open(add_arguments->file);
    opened.placements().save(placement);
    print_placement(*opened.placements().find(placement.name));
  });

  auto remove_arguments = std::make_shared<Arguments>();
  auto* remove = placements->add_subcommand("remove", "Remove a placement (not the last one)");
  remove->add_option("file", remove_arguments->file, "Project file")->required()->check(CLI::ExistingFile);
  remove->add_option("name", remove_arguments->name, "Placement name")->required();
  remove->callback([remove_arguments] {
    Project::open(remove_arguments->file).placements().remove(remove_arguments->name);
    std::cout << "removed " << remove_arguments->name << "\n";
  });
}

}  // namespace

void print_saved_mask_review(size_t reviewed) {
  if (reviewed == 0) return;
  std::cout << "checked " << reviewed << " masks prepared before mask verdicts were recorded (a mask with any sign "
            << "of a wrong cut now needs attention)\n";
}

void print_products_prepared(size_t prepared) {
  if (prepared == 0) return;
  std::cout << "prepared " << prepared << " products that had no mask yet, with the project's segmentation "
            << "settings (a mask that needs attention is held back)\n";
}

void add_project_command(CLI::App& app, int& exit_code) {
  auto* project = app.add_subcommand("project", "Create a project, import a catalogue, run generation jobs");
  project->require_subcommand(1);

  auto create_file = std::make_shared<std::filesystem::path>();
  auto* create = project->add_subcommand("create", "Create an empty project file (*.backdrop)");
  create->add_option("file", *create_file, "Project file to create")->required();
  create->callback([create_file] {
    auto created = Project::create(*create_file);
    std::cout << "created " << create_file->string() << " (schema " << created.schema_version() << ")\n";
  });

  struct ImportArguments {
    std::filesystem::path file, csv, images;
    std::vector<std::string> columns;
    std::string category;
  };
  auto import_arguments = std::make_shared<ImportArguments>();
  auto* import = project->add_subcommand("import", "Import or update products from a CSV or a folder of images");
  import->add_option("file", import_arguments->file, "Project file")->required();
  auto* csv = import->add_option("--csv", import_arguments->csv, "Catalogue CSV (catalog.csv layout)")
                  ->check(CLI::ExistingFile);
  auto* images = import->add_option("--images", import_arguments->images, "Folder of product images")
                     ->check(CLI::ExistingDirectory);
  csv->excludes(images);
  import->add_option("--column", import_arguments->columns, "CSV column for a field: id=sku, image=photo ...")
      ->needs(csv);
  import->add_option("--category", import_arguments->category, "Category of a folder's images (default: its name)")
      ->needs(images);
  import->callback([import_arguments, csv, images, &exit_code] {
    if (csv->count() == 0 && images->count() == 0) throw std::runtime_error("project import: give --csv or --images");
    auto opened = Project::open(import_arguments->file);
    const auto report =
        csv->count() > 0
            ? import_catalog_csv(opened, import_arguments->csv, parse_columns(import_arguments->columns))
            : import_image_folder(opened, import_arguments->images, import_arguments->category);
    print_report(report);
    print_library_drafts(add_library_drafts_for_new_categories(opened, kLibraryAuthor));
    if (!report.issues.empty()) exit_code = kExitPartialFailure;
  });

  auto status_arguments = std::make_shared<JobsArguments>();
  auto* status = project->add_subcommand("status", "Products, variants by review state, and job progress");
  add_database_options(*status, *status_arguments);
  status->add_option("--job", status_arguments->run.job, "Job to show from a PostgreSQL queue")->capture_default_str();
  status->callback([status_arguments] {
    print_status(status_arguments->file, status_arguments->database, status_arguments->run.job);
  });

  add_jobs_command(*project, exit_code);
  add_segmentation_command(*project);
  add_placements_command(*project);
  add_project_review_commands(*project);
  add_project_priors_command(*project);
}

}  // namespace backdrop::cli
