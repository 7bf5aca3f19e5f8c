// `backdrop project priors update|list`: the click logs backdrop-serve wrote become the bandit
// priors the next push ships, as the Studio's Bandit tab does with "Update priors from these logs".

#include <iomanip>
#include <iostream>

#include "app/cli/commands.h"
#include "core/common/login_name.h"
#include "core/export/category_logs.h"
#include "core/store/project.h"

namespace backdrop::cli {
namespace {

struct PriorsArguments {
  std::filesystem::path file;
  std::string category;
  std::vector<std::filesystem::path> logs;
  std::string reviewer = login_name();
};

void print_arms(const exporting::CategoryLogs& logs) {
  for (std::size_t k = 0; k < logs.arms.size(); ++k) {
    const auto& tally = logs.tallies[k];
    const double ctr = tally.impressions > 0 ? 100.0 * static_cast<double>(tally.clicks) / tally.impressions : 0.0;
    std::cout << "  " << logs.arms[k].id << "  " << tally.impressions << " impressions, " << tally.clicks << " clicks ("
              << std::fixed << std::setprecision(2) << ctr << "% CTR)  " << logs.arms[k].prompt << "\n";
  }
  if (logs.other_arms_impressions > 0) {
    std::cout << "  " << logs.other_arms_impressions << " impressions of prompts no longer approved: left out\n";
  }
  if (!logs.skipped.empty()) {
    std::cout << "  " << logs.skipped.size() << " lines skipped, the first: line " << logs.skipped.front().line << ": "
              << logs.skipped.front().message << "\n";
  }
}

void add_priors_update(CLI::App& priors) {
  auto arguments = std::make_shared<PriorsArguments>();
  auto* command = priors.add_subcommand(
      "update", "Learn a category's priors from click logs (backdrop-serve's .jsonl or an OBD .csv) for the next push");
  command->add_option("file", arguments->file, "Project file")->required()->check(CLI::ExistingFile);
  command->add_option("category", arguments->category, "Category whose approved prompts are the arms")->required();
  command->add_option("logs", arguments->logs, "Click log files")->required()->check(CLI::ExistingFile);
  command->add_option("--reviewer", arguments->reviewer, "Name the priors version records (default: your login name)")
      ->capture_default_str();
  command->callback([arguments] {
    auto project = Project::open(arguments->file);
    const auto logs = exporting::read_category_logs(project, arguments->category, arguments->logs);
    std::cout << arguments->category << ": " << logs.impressions() << " impressions of " << logs.arms.size()
              << " approved prompts\n";
    print_arms(logs);
    const auto stored = exporting::update_priors_from_logs(project, logs, arguments->reviewer);
    std::cout << "priors of " << arguments->category << " " << exporting::describe(stored) << "\n";
  });
}

void add_priors_list(CLI::App& priors) {
  auto arguments = std::make_shared<PriorsArguments>();
  auto* command = priors.add_subcommand("list", "Every priors version of a category, oldest first");
  command->add_option("file", arguments->file, "Project file")->required()->check(CLI::ExistingFile);
  command->add_option("category", arguments->category, "Category")->required();
  command->callback([arguments] {
    auto project = Project::open(arguments->file);
    const auto versions = project.priors().versions(arguments->category);
    if (versions.empty()) std::cout << arguments->category << ": no priors (push ships uninformed priors)\n";
    for (const auto& version : versions) {
      std::cout << arguments->category << " " << exporting::describe(version);
      if (!version.logs.empty()) std::cout << " (from " << version.logs.size() << " log files)";
      std::cout << "\n";
    }
  });
}

}  // namespace

void add_project_priors_command(CLI::App& project) {
  auto* priors = project.add_subcommand("priors", "Learn and list the bandit priors push ships per category");
  priors->require_subcommand(1);
  add_priors_update(*priors);
  add_priors_list(*priors);
}

}  // namespace backdrop::cli
