// `backdrop bandit evaluate|train|simulate`: offline evaluation of a policy on logged clicks,
// priors from logs, and regret curves on a synthetic environment.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "app/cli/terminal_progress.h"
#include "core/bandit/impression_log.h"
#include "core/bandit/obd_dataset.h"
#include "core/bandit/off_policy_estimators.h"
#include "core/bandit/policy_evaluation.h"
#include "core/bandit/policy_factory.h"
#include "core/bandit/priors.h"
#include "core/bandit/simulation.h"

namespace backdrop::cli {
namespace {

namespace fs = std::filesystem;
using namespace backdrop::bandit;

struct LogOptions {
  // One OBD CSV, or Backdrop JSON-lines files and log folders (every replica's, read as one log).
  std::vector<std::string> paths;
  std::string category;         // a folder's file: <folder>/<category>.jsonl
  std::string format = "auto";  // obd | jsonl | auto (by extension; folders are jsonl)
  std::string item_context;     // OBD: default <log stem>_item_context.csv beside the log
  bool affinities = false;
};

void add_log_options(CLI::App& command, LogOptions& options) {
  command
      .add_option("--logs", options.paths,
                  "Logged impressions: an Open Bandit Dataset CSV, or Backdrop JSON-lines files and backdrop-serve log "
                  "folders (with --category), every replica's, read as one log")
      ->required()
      ->expected(1, -1)
      ->check(CLI::ExistingPath);
  command.add_option("--category", options.category, "The category whose <category>.jsonl each log folder gives");
  command.add_option("--format", options.format, "Log format")->check(CLI::IsMember({"auto", "obd", "jsonl"}));
  command.add_option("--item-context", options.item_context, "OBD item context CSV (arm features for the reward model)");
  command.add_flag("--affinities", options.affinities, "OBD: append the user-item affinity columns to the context");
}

struct LoadedLogs {
  LoggedFeedback feedback;
  FeatureSchema schema;
  Eigen::MatrixXd action_context;
  std::vector<LogIssue> skipped;
  std::size_t unmatched_clicks = 0;  // clicks with no impression in the logs given: not used
  std::string names;                 // the logs given, for messages and reports
  bool incomplete() const { return !skipped.empty() || unmatched_clicks > 0; }
};

std::string joined(const std::vector<std::string>& paths) {
  std::string text;
  for (const auto& path : paths) text += (text.empty() ? "" : " ") + path;
  return text;
}

bool is_jsonl(const LogOptions& options) {
  if (options.format != "auto") return options.format == "jsonl";
  return options.paths.size() > 1 || std::any_of(options.paths.begin(), options.paths.end(), [](const fs::path& path) {
           return fs::is_directory(path) || path.extension() == ".jsonl" || path.extension() == ".json";
         });
}

// The files --logs names: files as given, a folder's <category>.jsonl where it has one.
std::vector<fs::path> jsonl_files(const LogOptions& options) {
  std::vector<fs::path> files;
  for (const fs::path path : options.paths) {
    if (!fs::is_directory(path)) {
      files.push_back(path);
      continue;
    }
    if (options.category.empty()) throw std::runtime_error(path.string() + ": a log folder needs --category");
    const auto found = impression_log_files({path}, options.category);
    if (found.empty()) std::cerr << path.string() << ": no log of category '" << options.category << "'\n";
    files.insert(files.end(), found.begin(), found.end());
  }
  if (files.empty()) throw std::runtime_error("no log of category '" + options.category + "' in the folders given");
  return files;
}

LoadedLogs load_jsonl(const LogOptions& options, const std::optional<FeatureSchema>& schema) {
  ImpressionLogOptions import;
  import.schema = schema;
  import.progress = terminal_progress();
  auto log = load_impression_logs(jsonl_files(options), import);
  for (const auto& click : log.unmatched_clicks) {
    std::cerr << click.file.string() << ":" << click.line << ": unmatched: click for decision '" << click.decision
              << "' with no impression in the logs given\n";
  }
  if (log.repeated_clicks > 0) std::cerr << log.repeated_clicks << " repeated clicks counted once\n";
  LoadedLogs loaded;
  loaded.feedback = std::move(log.feedback);
  loaded.schema = std::move(log.schema);
  loaded.skipped = std::move(log.skipped);
  loaded.unmatched_clicks = log.unmatched_clicks.size();
  return loaded;
}

LoadedLogs load_logs(const LogOptions& options, const std::optional<FeatureSchema>& schema) {
  const fs::path path = options.paths.front();
  LoadedLogs logs;
  if (is_jsonl(options)) {
    logs = load_jsonl(options, schema);
  } else {
    if (options.paths.size() > 1) throw std::runtime_error("--logs: one Open Bandit Dataset CSV at a time");
    ObdImportOptions import;
    import.with_affinities = options.affinities;
    import.progress = terminal_progress();
    auto campaign = load_obd_campaign(path, import);
    if (schema && !(*schema == campaign.schema)) {
      throw std::runtime_error(path.string() + ": its features do not match the priors' feature schema");
    }
    logs.feedback = std::move(campaign.feedback);
    logs.schema = std::move(campaign.schema);
    logs.skipped = std::move(campaign.skipped);
    const fs::path items = options.item_context.empty()
                               ? path.parent_path() / (path.stem().string() + "_item_context.csv")
                               : fs::path(options.item_context);
    if (fs::exists(items)) logs.action_context = load_obd_item_context(items);
  }
  // Several files: each message starts with its file.
  for (const auto& issue : logs.skipped) {
    std::cerr << (options.paths.size() > 1 ? std::string("line ") : path.string() + ":") << issue.line
              << ": skipped: " << issue.message << "\n";
  }
  logs.names = joined(options.paths);
  if (logs.feedback.size() == 0) throw std::runtime_error(logs.names + ": no usable rows");
  return logs;
}

struct PolicyOptions {
  PolicySettings settings;
  std::string priors;
};

void add_policy_options(CLI::App& command, PolicyOptions& options) {
  command.add_option("--policy", options.settings.name, "Policy")->check(CLI::IsMember(policy_names()));
  command.add_option("--alpha", options.settings.alpha, "LinUCB exploration width")->check(CLI::NonNegativeNumber);
  command.add_option("--epsilon", options.settings.epsilon, "Epsilon-greedy exploration probability")
      ->check(CLI::Range(0.0, 1.0));
  command.add_option("--batch-size", options.settings.batch_size, "Updates per parameter publication")
      ->check(CLI::PositiveNumber);
  command.add_option("--seed", options.settings.seed, "Random seed");
}

struct EvaluateOptions {
  LogOptions logs;
  PolicyOptions policy;
  double clip = 0.0;
  int bootstrap = 200;
  int samples = 10000;
  double on_policy_ctr = 0.0;  // when known: relative estimation errors are reported
  bool json = false;
};

void run_evaluate(const EvaluateOptions& options, int& exit_code) {
  std::optional<BanditPriors> priors;
  if (!options.policy.priors.empty()) priors = load_priors(options.policy.priors);
  // Contexts must be encoded with the priors' schema; context-free priors fit any log.
  const bool contextual = is_contextual(options.policy.settings);
  const auto logs = load_logs(options.logs, priors && contextual ? std::optional(priors->schema) : std::nullopt);
  const auto& feedback = logs.feedback;

  EvaluationOptions evaluation;
  evaluation.clip = options.clip;
  evaluation.bootstrap = options.bootstrap;
  evaluation.samples = options.samples;
  evaluation.seed = options.policy.settings.seed;
  evaluation.progress = terminal_progress();
  const std::vector<PolicySettings> candidates{options.policy.settings};
  const auto evaluated = evaluate_policies(feedback, logs.action_context, candidates, priors ? &*priors : nullptr, evaluation);
  const auto& estimates = evaluated.front().estimates;

  nlohmann::json replays = nlohmann::json::object();
  for (const auto& [mode, replay, interval] : evaluated.front().replays) {
    replays[to_string(mode)] = {{"rounds", replay.rounds}, {"matched", replay.matched}, {"clicks", replay.clicks},
                                {"ctr", replay.ctr()}, {"ci95", {interval.low, interval.high}}};
  }
  const auto& paths = options.logs.paths;
  nlohmann::json report{{"logs", paths.size() == 1 ? nlohmann::json(paths.front()) : nlohmann::json(paths)},
                        {"rounds", feedback.size()},
                        {"arms", feedback.n_arms},
                        {"slots", feedback.len_list},
                        {"dimension", feedback.dimension()},
                        {"skipped_rows", logs.skipped.size()},
                        {"unmatched_clicks", logs.unmatched_clicks},
                        {"logged_ctr", feedback.mean_reward()},
                        {"policy", evaluated.front().policy},
                        {"replay", replays}};
  const auto relative_error = [&](double value) { return std::abs(value - options.on_policy_ctr) / options.on_policy_ctr; };
  for (const auto& summary : estimates) {
    auto& entry = report["estimates"][to_string(summary.estimator)];
    entry = {{"value", summary.value}, {"ci95", {summary.interval.low, summary.interval.high}}};
    if (options.on_policy_ctr > 0.0) entry["relative_ee"] = relative_error(summary.value);
  }
  if (options.json) {
    std::cout << report.dump(2) << "\n";
  } else {
    std::printf("%s on %s: %lld rounds, %d arms, %d slots, d = %d, logged CTR %.6f\n", evaluated.front().policy.c_str(),
                logs.names.c_str(), static_cast<long long>(feedback.size()), feedback.n_arms, feedback.len_list,
                feedback.dimension(), feedback.mean_reward());
    std::printf("%-10s %12s %12s %12s %12s\n", "estimator", "value", "ci95 low", "ci95 high", "relative-ee");
    for (const auto& summary : estimates) {
      std::printf("%-10s %12.6f %12.6f %12.6f %12s\n", to_string(summary.estimator).c_str(), summary.value,
                  summary.interval.low, summary.interval.high,
                  options.on_policy_ctr > 0.0 ? std::to_string(relative_error(summary.value)).c_str() : "-");
    }
    for (const auto& [name, result] : replays.items()) {
      std::printf("replay %-20s matched %lld of %lld rounds, %g clicks, CTR %.6f [%.6f, %.6f]\n", name.c_str(),
                  result["matched"].get<long long>(), result["rounds"].get<long long>(), result["clicks"].get<double>(),
                  result["ctr"].get<double>(), result["ci95"][0].get<double>(), result["ci95"][1].get<double>());
    }
  }
  if (logs.incomplete()) exit_code = kExitPartialFailure;
}

struct TrainOptions {
  LogOptions logs;
  std::string out;
  std::vector<double> prior_ctr;
  double pseudo_count = 0.0;
};

void run_train(const TrainOptions& options, int& exit_code) {
  const auto logs = load_logs(options.logs, std::nullopt);
  const auto& feedback = logs.feedback;
  std::optional<BanditPriors> designer;
  if (!options.prior_ctr.empty()) {
    // One CTR for every arm, or one per arm.
    std::vector<double> ctr = options.prior_ctr;
    if (ctr.size() == 1) ctr.assign(static_cast<std::size_t>(feedback.n_arms), ctr.front());
    const Eigen::VectorXd mean_context = feedback.context.colwise().mean().transpose();
    designer = designer_priors(logs.schema, ctr, options.pseudo_count,
                               {mean_context.data(), static_cast<std::size_t>(mean_context.size())});
  }
  const auto priors = priors_from_logs(feedback, logs.schema, feedback.n_arms, designer ? &*designer : nullptr);
  save_priors(priors, options.out);
  std::printf("wrote %s: %zu arms, d = %d, from %lld logged rounds with %.0f clicks\n", options.out.c_str(),
              priors.arms.size(), priors.schema.dimension(), static_cast<long long>(feedback.size()),
              std::accumulate(feedback.reward.begin(), feedback.reward.end(), 0.0));
  if (logs.incomplete()) exit_code = kExitPartialFailure;
}

struct SimulateOptions {
  SyntheticConfig environment;
  SimulationOptions run;
  PolicySettings settings;
  std::vector<std::string> policies{"linucb", "lints", "epsilon-greedy", "bernoulli-ts", "random"};
  std::string out;
  bool json = false;
};

void run_simulate(SimulateOptions options) {
  const SyntheticEnvironment environment(options.environment);
  options.run.progress = terminal_progress();
  nlohmann::json curves = nlohmann::json::object();
  std::ostringstream csv;
  csv << "policy,round,clicks,expected_clicks,regret\n";
  for (const auto& name : options.policies) {
    auto settings = options.settings;
    settings.name = name;
    settings.dimension = environment.dimension();
    settings.n_arms = environment.n_arms();
    auto policy = make_policy(settings);
    const auto curve = simulate(*policy, environment, options.run);
    auto& entry = curves[name];
    for (const auto& point : curve) {
      csv << name << "," << point.round << "," << point.clicks << "," << point.expected_clicks << "," << point.regret << "\n";
      entry.push_back({{"round", point.round}, {"clicks", point.clicks}, {"expected_clicks", point.expected_clicks},
                       {"regret", point.regret}});
    }
    if (!options.json) {
      std::printf("%-16s rounds %lld  clicks %8.0f  cumulative regret %10.2f\n", name.c_str(),
                  static_cast<long long>(curve.back().round), curve.back().clicks, curve.back().regret);
    }
  }
  if (!options.out.empty()) {
    std::ofstream out(options.out);
    if (!out) throw std::runtime_error(options.out + ": cannot write");
    out << (fs::path(options.out).extension() == ".json" ? curves.dump(1) + "\n" : csv.str());
  }
  if (options.json) std::cout << curves.dump(1) << "\n";
}

}  // namespace

void add_bandit_command(CLI::App& app, int& exit_code) {
  auto* bandit = app.add_subcommand("bandit", "Contextual bandits: offline evaluation, priors, simulation");
  bandit->require_subcommand(1);

  auto evaluate_options = std::make_shared<EvaluateOptions>();
  auto* evaluate = bandit->add_subcommand("evaluate", "Estimate a policy's CTR from logged clicks (replay, IPW, SNIPW, DM, DR, SNDR)");
  add_log_options(*evaluate, evaluate_options->logs);
  add_policy_options(*evaluate, evaluate_options->policy);
  evaluate->add_option("--priors", evaluate_options->policy.priors, "Start the policy from a priors file")
      ->check(CLI::ExistingFile);
  evaluate->add_option("--clip", evaluate_options->clip, "Clip importance weights above this (0 = no clipping)")
      ->check(CLI::NonNegativeNumber);
  evaluate->add_option("--bootstrap", evaluate_options->bootstrap, "Bootstrap resamples for the 95% intervals")
      ->check(CLI::NonNegativeNumber);
  evaluate->add_option("--samples", evaluate_options->samples,
                       "Draws for a stochastic policy's action distribution (contextual policies: at most 100 per round)")
      ->check(CLI::PositiveNumber);
  evaluate->add_option("--on-policy-ctr", evaluate_options->on_policy_ctr,
                       "The policy's known on-policy CTR: report each estimate's relative error")
      ->check(CLI::NonNegativeNumber);
  evaluate->add_flag("--json", evaluate_options->json, "Print the report as JSON");
  evaluate->callback([evaluate_options, &exit_code] { run_evaluate(*evaluate_options, exit_code); });

  auto train_options = std::make_shared<TrainOptions>();
  auto* train = bandit->add_subcommand("train", "Fit per-arm priors from logged clicks and save a priors file");
  add_log_options(*train, train_options->logs);
  train->add_option("--out", train_options->out, "Priors file to write (JSON)")->required();
  train->add_option("--prior-ctr", train_options->prior_ctr, "Designer prior CTR: one for all arms or one per arm")
      ->expected(1, -1);
  train->add_option("--pseudo-count", train_options->pseudo_count, "Impressions the prior CTR is worth")
      ->check(CLI::NonNegativeNumber);
  train->callback([train_options, &exit_code] { run_train(*train_options, exit_code); });

  auto simulate_options = std::make_shared<SimulateOptions>();
  auto& s = *simulate_options;
  auto* simulate_command = bandit->add_subcommand("simulate", "Regret curves on a synthetic environment with known CTRs");
  simulate_command->add_option("--arms", s.environment.n_arms, "Arms")->check(CLI::PositiveNumber);
  simulate_command->add_option("--features", s.environment.n_features, "Categorical user features")->check(CLI::NonNegativeNumber);
  simulate_command->add_option("--levels", s.environment.levels, "Values per feature")->check(CLI::PositiveNumber);
  simulate_command->add_option("--base-ctr", s.environment.base_ctr, "CTR at zero feature effect")->check(CLI::Range(0.0, 1.0));
  simulate_command->add_option("--effect", s.environment.effect, "Standard deviation of the feature effects (logit)");
  simulate_command->add_option("--environment-seed", s.environment.seed, "Seed of the environment's true weights");
  simulate_command->add_option("--rounds", s.run.rounds, "Rounds per policy")->check(CLI::PositiveNumber);
  simulate_command->add_option("--every", s.run.record_every, "Record the curve every N rounds")->check(CLI::PositiveNumber);
  simulate_command->add_option("--seed", s.run.seed, "Seed of contexts and clicks (and of the policies)");
  simulate_command->add_option("--policies", s.policies, "Policies to compare")->check(CLI::IsMember(policy_names()));
  simulate_command->add_option("--alpha", s.settings.alpha, "LinUCB exploration width")->check(CLI::NonNegativeNumber);
  simulate_command->add_option("--epsilon", s.settings.epsilon, "Epsilon-greedy exploration probability")->check(CLI::Range(0.0, 1.0));
  simulate_command->add_option("--out", s.out, "Write the curves: .csv (policy,round,clicks,expected_clicks,regret) or .json");
  simulate_command->add_flag("--json", s.json, "Print the curves as JSON");
  simulate_command->callback([simulate_options] {
    auto options = *simulate_options;
    options.settings.seed = options.run.seed;
    run_simulate(options);
  });
}

}  // namespace backdrop::cli
