// `backdrop push`: publish a project's approved variants, arms and bandit priors as a versioned
// bundle to a target folder that backdrop-serve reads; --experiment adds an online experiment plan
// to the categories it names; --dry-run shows what would ship, --list the kept versions,
// --rollback makes a kept version current again.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "app/cli/interrupt.h"
#include "app/cli/terminal_progress.h"
#include "core/experiment/experiment_plan.h"
#include "core/export/publisher.h"
#include "core/preparation/saved_mask_review.h"
#include "core/preparation/unprepared_products.h"
#include "core/store/project.h"

namespace backdrop::cli {
namespace {

namespace fs = std::filesystem;
using namespace backdrop::exporting;

struct PushArguments {
  std::string project;
  std::string target;
  std::string rollback_version;
  bool list = false;
  bool dry_run = false;
  std::string feature_schema;
  std::string experiment;
  BundleOptions bundle;
  PublishOptions publish;
};

// "1 image", "3 images"; `plural` when adding an s will not do.
std::string count_of(std::size_t count, const std::string& noun, const std::string& plural = {}) {
  return std::to_string(count) + " " + (count == 1 ? noun : plural.empty() ? noun + "s" : plural);
}

void print_plan(const BundlePlan& plan, const BundleOptions& options, std::ostream& out) {
  out << "push plan: " << count_of(static_cast<std::size_t>(plan.image_count()), "image") << " in "
      << count_of(plan.categories.size(), "category", "categories") << " (" << options.image_format << ", quality "
      << options.image_quality << ")\n";
  for (const auto& category : plan.categories) {
    out << "  " << category.category << ": " << count_of(category.images.size(), "image") << " of "
        << count_of(static_cast<std::size_t>(category.products_shipped), "product") << " ("
        << category.products_left_out << " without approved images left out), prompt set v"
        << category.prompt_set_version << " with " << count_of(category.arms.size(), "arm") << ", priors "
        << category.priors_source << "\n";
    for (const auto& [placement, count] : category.images_per_placement) {
      out << "    " << placement << ": " << count << "\n";
    }
    if (category.experiment) out << "    experiment " << experiment::describe(*category.experiment) << "\n";
  }
  for (const auto& [category, why] : plan.categories_left_out)
    out << "  left out: " << category << " (" << why << ")\n";
  if (!plan.variants_excluded.empty()) out << "variants not shipped:\n";
  for (const auto& [reason, count] : plan.variants_excluded) out << "  " << reason << ": " << count << "\n";
  if (!plan.products_held_back.empty()) out << "products held back (mask needs attention):\n";
  for (const auto& [product, reasons] : plan.products_held_back) {
    out << "  " << product;
    for (const auto& reason : reasons) out << "; " << reason;
    out << "\n";
  }
}

void list(const fs::path& target) {
  const auto current = current_version(target);
  const auto versions = list_versions(target);
  if (versions.empty()) std::cout << target.string() << ": no versions\n";
  for (const auto& version : versions) std::cout << version << (version == current ? "  (current)" : "") << "\n";
}

void push(PushArguments& arguments) {
  if (!arguments.feature_schema.empty()) {
    std::ifstream in(arguments.feature_schema);
    const auto json = nlohmann::json::parse(in, nullptr, false);
    if (json.is_discarded()) throw std::runtime_error(arguments.feature_schema + ": not valid JSON");
    arguments.bundle.feature_schema = bandit::FeatureSchema::from_json(json);
  }
  if (!arguments.experiment.empty()) arguments.bundle.experiments = experiment::read_plan_file(arguments.experiment);
  auto project = Project::open(arguments.project);
  print_saved_mask_review(review_unreviewed_masks(project));  // before planning, so they are held back
  print_products_prepared(prepare_unprepared_products(project));  // the same for products never prepared
  if (arguments.dry_run) {
    print_plan(plan_bundle(project, arguments.bundle), arguments.bundle, std::cout);
    return;
  }
  const auto result = [&] {
    const CancelOnInterrupt interrupt;
    return publish(project, arguments.bundle, arguments.target, arguments.publish, terminal_progress(),
                   interrupt.token());
  }();
  if (stderr_is_terminal()) std::cerr << "\n";  // ends the progress line
  print_plan(result.build.plan, arguments.bundle, std::cout);
  std::cout << "published " << result.version << " (" << result.build.image_bytes << " bytes of images) to "
            << result.folder.string() << "; CURRENT -> " << result.version << "\n";
  for (const auto& version : result.removed_versions) std::cout << "removed old version " << version << "\n";
  if (!result.prune_error.empty()) std::cerr << "warning: old versions not removed: " << result.prune_error << "\n";
}

void run_push(PushArguments& arguments) {
  if (arguments.list) return list(arguments.target);
  if (!arguments.rollback_version.empty()) {
    rollback(arguments.target, arguments.rollback_version);
    std::cout << "CURRENT -> " << arguments.rollback_version << "\n";
    return;
  }
  push(arguments);
}

}  // namespace

void add_push_command(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<PushArguments>();
  auto* command = app.add_subcommand(
      "push", "Publish approved variants, arms and bandit priors as a versioned bundle to a target folder");
  auto* project =
      command->add_option("--project", arguments->project, "project file (.backdrop)")->check(CLI::ExistingFile);
  auto* target = command->add_option("--target", arguments->target, "target folder (local or network file system)");
  auto* rollback_option =
      command->add_option("--rollback", arguments->rollback_version, "make a kept version current again");
  auto* list_option = command->add_flag("--list", arguments->list, "list the kept versions");
  auto* dry_run = command->add_flag("--dry-run", arguments->dry_run, "print what would ship, write nothing");
  command->add_option("--format", arguments->bundle.image_format, "image format")
      ->check(CLI::IsMember({"jpeg", "webp"}))
      ->capture_default_str();
  command->add_option("--quality", arguments->bundle.image_quality, "image quality")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  command->add_option("--keep", arguments->publish.keep_versions, "versions to keep")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_option("--alpha", arguments->bundle.policy.alpha, "LinUCB width")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command->add_option("--epsilon", arguments->bundle.policy.epsilon, "uniform exploration probability")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command->add_option("--latency-budget-ms", arguments->bundle.policy.latency_budget_ms, "per-decision budget")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_flag("!--no-online-learning", arguments->bundle.policy.online_learning,
                    "serve the priors as they are, without learning from feedback");
  command
      ->add_option("--feature-schema", arguments->feature_schema,
                   "feature schema JSON for categories without fitting priors (default: device, segment, placement)")
      ->check(CLI::ExistingFile);
  command
      ->add_option("--experiment", arguments->experiment,
                   "experiment plan JSON: groups and traffic shares per category (resources/schemas/"
                   "experiment-plan.schema.json)")
      ->check(CLI::ExistingFile);

  rollback_option->needs(target)->excludes(list_option)->excludes(project)->excludes(dry_run);
  list_option->needs(target)->excludes(project)->excludes(dry_run);
  command->callback([arguments, project, target, &exit_code] {
    const bool publishing = arguments->rollback_version.empty() && !arguments->list;
    if (publishing && project->count() == 0) throw CLI::RequiredError("--project");
    if (publishing && !arguments->dry_run && target->count() == 0) throw CLI::RequiredError("--target");
    run_push(*arguments);
    exit_code = 0;
  });
}

}  // namespace backdrop::cli
