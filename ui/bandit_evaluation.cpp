#include "ui/bandit_evaluation.h"

#include <QFileInfo>
#include <QObject>

#include "core/bandit/impression_log.h"
#include "core/bandit/policy_evaluation.h"
#include "core/bandit/random.h"
#include "core/bandit/simulation.h"

namespace backdrop::ui {
namespace {

constexpr uint64_t kEnvironmentSeed = 7;  // the dashboard's simulated environment
constexpr uint64_t kEvaluationSeed = 0;

EstimateWithInterval find(const bandit::PolicyEvaluation& evaluation, bandit::Estimator estimator) {
  for (const auto& summary : evaluation.estimates) {
    if (summary.estimator == estimator) return {summary.value, summary.interval.low, summary.interval.high};
  }
  return {};
}

PolicyScores scores(const bandit::PolicyEvaluation& evaluation) {
  PolicyScores row;
  row.policy = QString::fromStdString(evaluation.policy);
  row.ipw = find(evaluation, bandit::Estimator::ipw);
  row.dr = find(evaluation, bandit::Estimator::dr);
  if (!evaluation.replays.empty()) {
    const auto& replay = evaluation.replays.front();
    row.replay = {replay.result.ctr(), replay.interval.low, replay.interval.high};
    row.matched = replay.result.matched;
  }
  return row;
}

}  // namespace

bandit::LoggedFeedback simulated_uniform_log(int arms, int64_t rounds, uint64_t seed) {
  bandit::SyntheticConfig config;
  config.n_arms = arms;
  config.seed = kEnvironmentSeed;
  const bandit::SyntheticEnvironment environment(config);
  bandit::LoggedFeedback log;
  log.n_arms = arms;
  log.context.resize(rounds, environment.dimension());
  bandit::Random random(seed);
  std::vector<double> context(static_cast<std::size_t>(environment.dimension()));
  for (int64_t round = 0; round < rounds; ++round) {
    environment.sample_context(random, context);
    const int arm = random.below(arms);
    for (int column = 0; column < environment.dimension(); ++column) log.context(round, column) = context[column];
    log.action.push_back(arm);
    log.position.push_back(0);
    log.reward.push_back(random.uniform() < environment.click_probability(context, arm) ? 1.0 : 0.0);
    log.pscore.push_back(1.0 / arms);
  }
  return log;
}

PolicyEvaluationReport evaluate_candidate_policies(const QString& clickLog, int arms, int64_t rounds,
                                                   const ProgressSink& progress, const CancellationToken& cancel) {
  PolicyEvaluationReport report;
  try {
    bandit::LoggedFeedback log;
    if (clickLog.isEmpty()) {
      log = simulated_uniform_log(arms, rounds, kEvaluationSeed + 1);
      report.source = QObject::tr("simulated uniform-logger log, %1 impressions over %2 arms").arg(rounds).arg(arms);
    } else {
      log = bandit::load_impression_log(clickLog.toStdString()).feedback;
      report.source = QObject::tr("click log %1, %2 impressions over %3 arms")
                          .arg(QFileInfo(clickLog).fileName())
                          .arg(log.size())
                          .arg(log.n_arms);
    }
    if (log.size() == 0) throw std::runtime_error("the log has no usable impressions");
    report.rounds = log.size();
    report.loggedCtr = log.mean_reward();
    bandit::EvaluationOptions options;
    options.seed = kEvaluationSeed;
    options.replay_modes = {bandit::ReplayMode::all_positions_top1};
    options.cancel = cancel;
    options.progress = progress;
    std::vector<bandit::PolicySettings> candidates;
    for (const auto& name : bandit::policy_names()) {
      candidates.emplace_back();
      candidates.back().name = name;
    }
    for (const auto& evaluation : bandit::evaluate_policies(log, {}, candidates, nullptr, options)) {
      report.policies << scores(evaluation);
    }
  } catch (const Cancelled&) {
    report.error = QObject::tr("cancelled");
  } catch (const std::exception& error) {
    report.error = QString::fromStdString(error.what());
  }
  return report;
}

}  // namespace backdrop::ui
