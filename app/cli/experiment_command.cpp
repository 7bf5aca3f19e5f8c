// `backdrop experiment report|simulate`: the report of an online experiment from backdrop-serve's
// logs (per group CTR, uplift over the control with intervals and p-values, sample ratio, power),
// and simulated logs with known CTRs to try it on.

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "app/cli/terminal_progress.h"
#include "core/experiment/experiment_log.h"
#include "core/experiment/experiment_report.h"
#include "core/experiment/experiment_simulation.h"

namespace backdrop::cli {
namespace {

using namespace backdrop::experiment;

struct ReportArguments {
  std::vector<std::string> logs;  // every replica's log folder
  std::vector<std::string> by;
  bool json = false;
  bool csv = false;
  ReportOptions report;
};

void print_log_summary(const std::vector<std::string>& folders, const ExperimentLog& log, double window_hours) {
  std::string names;
  for (const auto& folder : folders) names += (names.empty() ? "" : " ") + folder;
  for (const auto& issue : log.skipped) {
    std::cerr << issue.file.string() << ":" << issue.line << ": skipped: " << issue.message << "\n";
  }
  std::fprintf(stderr,
               "%s: %lld experiment impressions in %lld file%s (%lld outside experiments); clicks after the %g h "
               "window: %lld, without an impression: %lld; lines skipped: %zu\n",
               names.c_str(), static_cast<long long>(log.impressions.size()), static_cast<long long>(log.files),
               log.files == 1 ? "" : "s", static_cast<long long>(log.impressions_outside_experiments), window_hours,
               static_cast<long long>(log.late_clicks), static_cast<long long>(log.unmatched_clicks),
               log.skipped.size());
}

void run_report(ReportArguments arguments, int& exit_code) {
  for (const auto& field : arguments.by) {
    arguments.report.by_category |= field == "category";
    arguments.report.by_placement |= field == "placement";
  }
  ExperimentLogOptions log_options;
  log_options.attribution_window_hours = arguments.report.attribution_window_hours;
  log_options.progress = terminal_progress();
  const auto log = load_experiment_logs(
      std::vector<std::filesystem::path>(arguments.logs.begin(), arguments.logs.end()), log_options);
  print_log_summary(arguments.logs, log, log_options.attribution_window_hours);
  if (log.impressions.empty()) {
    throw std::runtime_error(arguments.logs.front() +
                             ": no impression carries an \"experiment\" (is an experiment plan pushed?)");
  }
  const auto report = build_experiment_report(log.impressions, arguments.report);
  if (arguments.json) {
    std::cout << report_json(report).dump(2) << "\n";
  } else if (arguments.csv) {
    std::cout << report_csv(report);
  } else {
    std::cout << report_text(report);
  }
  if (!log.skipped.empty()) exit_code = kExitPartialFailure;
}

void add_report_command(CLI::App& experiment, int& exit_code) {
  auto arguments = std::make_shared<ReportArguments>();
  auto& a = *arguments;
  auto* report = experiment.add_subcommand("report",
                                           "CTR per group, uplift over the control with 95% intervals, "
                                           "sample-ratio test and power, from backdrop-serve's logs");
  report->add_option("--logs", a.logs, "Folders of backdrop-serve's impression logs (*.jsonl), every replica's")
      ->required()
      ->expected(1, -1)
      ->check(CLI::ExistingDirectory);
  report->add_option("--by", a.by, "Split each experiment by these fields")
      ->delimiter(',')
      ->check(CLI::IsMember({"category", "placement"}));
  auto* json = report->add_flag("--json", a.json, "Print the report as JSON");
  report->add_flag("--csv", a.csv, "Print the report as CSV, one row per group")->excludes(json);
  report
      ->add_option("--attribution-window", a.report.attribution_window_hours,
                   "Hours after an impression within which its click counts")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  report->add_option("--control", a.report.control, "The control group (default: the one the plan names)");
  report->add_option("--effect", a.report.effect, "Relative uplift to state the sample size needed for")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  report->add_option("--bootstrap", a.report.bootstrap_resamples, "Bootstrap resamples of users (0: none)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  report->add_option("--seed", a.report.seed, "Seed of the bootstrap")->capture_default_str();
  report->callback([arguments, &exit_code] { run_report(*arguments, exit_code); });
}

// "name:kind:share:ctr" as a simulated group.
SimulatedGroup parse_group(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t colon; (colon = text.find(':', start)) != std::string::npos; start = colon + 1) {
    parts.push_back(text.substr(start, colon - start));
  }
  parts.push_back(text.substr(start));
  if (parts.size() != 4) throw std::runtime_error("--group '" + text + "': expected NAME:KIND:SHARE:CTR");
  try {
    return {parts[0], parts[1], std::stod(parts[2]), std::stod(parts[3]), {}};
  } catch (const std::logic_error&) {
    throw std::runtime_error("--group '" + text + "': SHARE and CTR are numbers");
  }
}

struct SimulateArguments {
  std::string out;
  std::vector<std::string> groups{"original:original:0.1:0.03", "random:random-prompt:0.1:0.032",
                                  "personalised:personalised:0.8:0.035"};
  SimulationConfig config;
};

void add_simulate_command(CLI::App& experiment) {
  auto arguments = std::make_shared<SimulateArguments>();
  auto& a = *arguments;
  auto* simulate = experiment.add_subcommand("simulate", "Write backdrop-serve logs of an experiment with known CTRs");
  simulate->add_option("--out", a.out, "Folder to append <category>.jsonl to")->required();
  simulate
      ->add_option("--group", a.groups, "A group as NAME:KIND:SHARE:CTR (shares sum to 1); the first is the control")
      ->capture_default_str();
  simulate->add_option("--experiment", a.config.experiment, "Experiment id")->capture_default_str();
  simulate->add_option("--category", a.config.category, "Category")->capture_default_str();
  simulate->add_option("--placements", a.config.placements, "Placements, each impression on one")
      ->delimiter(',')
      ->capture_default_str();
  simulate->add_option("--users", a.config.users, "Users")->check(CLI::PositiveNumber)->capture_default_str();
  simulate->add_option("--impressions-per-user", a.config.impressions_per_user, "Mean impressions per user")
      ->check(CLI::Range(1.0, 1000.0))
      ->capture_default_str();
  simulate->add_option("--seed", a.config.seed, "Seed")->capture_default_str();
  simulate->callback([arguments] {
    auto config = arguments->config;
    for (const auto& group : arguments->groups) config.groups.push_back(parse_group(group));
    const auto simulated = simulate_experiment(config);
    write_serving_logs(simulated, arguments->out);
    std::printf("wrote %zu impressions of %d users to %s\n", simulated.size(), config.users, arguments->out.c_str());
  });
}

}  // namespace

void add_experiment_command(CLI::App& app, int& exit_code) {
  auto* experiment = app.add_subcommand("experiment", "Online experiments: the uplift report, simulated logs");
  experiment->require_subcommand(1);
  add_report_command(*experiment, exit_code);
  add_simulate_command(*experiment);
}

}  // namespace backdrop::cli
