// `backdrop project prompts import|list|approve`, `backdrop project variants approve` and
// `backdrop project artifact-check`: the review steps of a catalogue-scale run without the Studio.
// Every approval is recorded under the reviewer's name (--reviewer, default the login name), as the
// Studio records its own.

#include <algorithm>
#include <iostream>

#include "app/cli/commands.h"
#include "core/common/login_name.h"
#include "core/rendering/library_prompt_sets.h"
#include "core/rendering/project_artifact_thresholds.h"
#include "core/store/bulk_approval.h"
#include "core/store/project.h"

namespace backdrop::cli {
namespace {

struct ReviewArguments {
  std::filesystem::path file;
  std::filesystem::path library;  // empty: the installed prompt library
  std::vector<std::string> categories;
  std::optional<std::string> category;  // variants approve: one category
  int version = 0;  // 0: the newest
  std::string reviewer = login_name();
  bool unflagged = false;
  std::optional<double> max_score;
};

void add_file_option(CLI::App& command, ReviewArguments& arguments) {
  command.add_option("file", arguments.file, "Project file")->required()->check(CLI::ExistingFile);
}

void add_reviewer_option(CLI::App& command, ReviewArguments& arguments) {
  command.add_option("--reviewer", arguments.reviewer, "Name the review log records (default: your login name)")
      ->capture_default_str();
}

void print_prompt_set(const PromptSet& set) {
  std::cout << set.category << " v" << set.version << " " << to_string(set.approval);
  if (!set.reviewed_by.empty()) std::cout << " by " << set.reviewed_by << " at " << set.reviewed_at;
  std::cout << " (written by " << set.author << ", " << set.prompts.size() << " prompts)\n";
  for (const auto& prompt : set.prompts) {
    std::cout << "  - " << prompt.prompt;
    if (!prompt.colour.empty()) std::cout << " [" << prompt.colour << "]";
    std::cout << "\n";
  }
}

backgrounds::PromptLibrary library_of(const ReviewArguments& arguments) {
  if (!arguments.library.empty()) return backgrounds::load_prompt_library(arguments.library);
  const auto installed = backgrounds::find_default_prompt_library();
  if (!installed) throw std::runtime_error("no installed prompt library found: give --library FILE");
  return backgrounds::load_prompt_library(*installed);
}

// The version to approve: the one asked for, else the category's newest.
PromptSet chosen_version(Project& project, const std::string& category, int version) {
  const auto versions = project.prompts().versions(category);
  if (versions.empty()) {
    throw std::runtime_error("category '" + category + "' has no prompt set (add one with `project prompts import`)");
  }
  if (version == 0) return versions.back();
  for (const auto& set : versions) {
    if (set.version == version) return set;
  }
  throw std::runtime_error("category '" + category + "' has no prompt set version " + std::to_string(version) +
                           " (versions 1-" + std::to_string(versions.back().version) + ")");
}

void add_prompts_import(CLI::App& prompts) {
  auto arguments = std::make_shared<ReviewArguments>();
  auto* command = prompts.add_subcommand("import", "Add a prompt library's prompts as a draft set per category");
  add_file_option(*command, *arguments);
  command->add_option("--library", arguments->library, "Prompt library JSON (default: the installed one)")
      ->check(CLI::ExistingFile);
  command->add_option("--category", arguments->categories, "Only this category (repeatable; default: all)");
  command->add_option("--author", arguments->reviewer, "Author recorded with the drafts (default: your login name)")
      ->capture_default_str();
  command->callback([arguments] {
    auto project = Project::open(arguments->file);
    const auto library = library_of(*arguments);
    for (const auto& set : add_library_prompt_sets(project, library, arguments->categories, arguments->reviewer)) {
      print_prompt_set(set);
    }
  });
}

void add_prompts_list(CLI::App& prompts) {
  auto arguments = std::make_shared<ReviewArguments>();
  auto* list = prompts.add_subcommand("list", "Every prompt set version per category, with who approved it");
  add_file_option(*list, *arguments);
  list->add_option("--category", arguments->categories, "Only this category (repeatable; default: all)");
  list->callback([arguments] {
    auto project = Project::open(arguments->file);
    auto categories = arguments->categories.empty() ? project.products().categories() : arguments->categories;
    for (const auto& category : categories) {
      const auto versions = project.prompts().versions(category);
      if (versions.empty()) std::cout << category << ": no prompt set (the default prompt is used)\n";
      for (const auto& set : versions) print_prompt_set(set);
    }
  });
}

void add_prompts_approve(CLI::App& prompts) {
  auto arguments = std::make_shared<ReviewArguments>();
  auto* approve = prompts.add_subcommand("approve", "Approve a category's prompt set: generation uses it from now on");
  add_file_option(*approve, *arguments);
  approve->add_option("--category", arguments->categories, "Category (repeatable)")->required();
  approve->add_option("--version", arguments->version, "Set version (default: the newest)")->check(CLI::PositiveNumber);
  add_reviewer_option(*approve, *arguments);
  approve->callback([arguments] {
    auto project = Project::open(arguments->file);
    // Every category is checked before anything is approved: a typo approves nothing.
    std::vector<PromptSet> chosen;
    for (const auto& category : arguments->categories) {
      chosen.push_back(chosen_version(project, category, arguments->version));
    }
    for (const auto& set : chosen) {
      project.prompts().set_approval(set.id, Approval::approved, arguments->reviewer);
      print_prompt_set(chosen_version(project, set.category, set.version));
    }
  });
}

void add_variants_approve(CLI::App& variants) {
  auto arguments = std::make_shared<ReviewArguments>();
  auto* approve = variants.add_subcommand("approve", "Approve generated variants in bulk");
  add_file_option(*approve, *arguments);
  approve
      ->add_flag("--unflagged", arguments->unflagged,
                 "Approve every variant nobody reviewed that the artifact check did not flag")
      ->required();
  approve->add_option("--max-score", arguments->max_score, "Only those whose worst artifact score is at most this");
  approve->add_option("--category", arguments->category, "Only this category's products");
  add_reviewer_option(*approve, *arguments);
  approve->callback([arguments] {
    auto project = Project::open(arguments->file);
    BulkApprovalFilter filter;
    filter.max_score = arguments->max_score;
    if (arguments->category) {
      const auto known = project.products().categories();
      if (std::find(known.begin(), known.end(), *arguments->category) == known.end()) {
        throw std::runtime_error("category '" + *arguments->category + "' has no products in " +
                                 arguments->file.string());
      }
      filter.category = arguments->category;
    }
    const auto approved = approve_unflagged_variants(project, filter, arguments->reviewer);
    std::cout << "approved " << approved.size() << " variants as " << arguments->reviewer << "\n";
  });
}

// `project artifact-check FILE [--max-...]`: shows the thresholds, after storing the ones given.
void add_artifact_check(CLI::App& project) {
  struct Arguments {
    std::filesystem::path file;
    std::optional<double> object_expansion, edge_continuation;
  };
  auto arguments = std::make_shared<Arguments>();
  auto* command = project.add_subcommand(
      "artifact-check", "Show or set the artifact scores above which collected variants are flagged for review");
  command->add_option("file", arguments->file, "Project file")->required()->check(CLI::ExistingFile);
  command->add_option("--max-object-expansion", arguments->object_expansion,
                      "Flag when the object grew by more than this fraction of the product");
  command->add_option("--max-edge-continuation", arguments->edge_continuation,
                      "Flag when edges continue the product's outline more than this");
  command->callback([arguments] {
    auto project = Project::open(arguments->file);
    auto thresholds = load_artifact_thresholds(project);
    if (arguments->object_expansion) thresholds.object_expansion = *arguments->object_expansion;
    if (arguments->edge_continuation) thresholds.edge_continuation = *arguments->edge_continuation;
    if (arguments->object_expansion || arguments->edge_continuation) save_artifact_thresholds(project, thresholds);
    std::cout << "flag a variant when object expansion > " << thresholds.object_expansion << " or edge continuation > "
              << thresholds.edge_continuation << "\n";
  });
}

}  // namespace

void add_project_review_commands(CLI::App& project) {
  auto* prompts = project.add_subcommand("prompts", "Import, list and approve the prompt sets per category");
  prompts->require_subcommand(1);
  add_prompts_import(*prompts);
  add_prompts_list(*prompts);
  add_prompts_approve(*prompts);
  auto* variants = project.add_subcommand("variants", "Review generated variants without the Studio");
  variants->require_subcommand(1);
  add_variants_approve(*variants);
  add_artifact_check(project);
}

}  // namespace backdrop::cli
