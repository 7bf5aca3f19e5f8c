#include "ui/bandit_curves.h"

#include <QFileInfo>
#include <QObject>

#include "core/bandit/policy_factory.h"
#include "core/bandit/random.h"
#include "core/bandit/simulation.h"
#include "core/experiment/experiment_statistics.h"

namespace backdrop::ui {
namespace {

constexpr int kSimulatedRounds = 20000;
constexpr int kPlottedPoints = 200;

void labelArms(BanditCurves& curves, const exporting::CategoryArms& arms) {
  for (std::size_t k = 0; k < arms.arms.size(); ++k) {
    const auto& prompt = QString::fromStdString(arms.arms[k].prompt);
    curves.prompts << prompt;
    curves.arms << (prompt.size() > 22 ? prompt.left(20) + QStringLiteral("…") : prompt);
  }
}

void fillArms(BanditCurves& curves, const std::vector<double>& shows, const std::vector<double>& clicks) {
  double total = 0;
  for (double s : shows) total += s;
  for (size_t arm = 0; arm < shows.size(); ++arm) {
    const double ctr = shows[arm] > 0 ? clicks[arm] / shows[arm] : 0;
    const auto [low, high] = wilsonInterval(clicks[arm], shows[arm]);
    curves.impressions << shows[arm];
    curves.clicks << clicks[arm];
    curves.ctr << ctr;
    curves.low << std::max(0.0, ctr - low);
    curves.high << std::max(0.0, high - ctr);
    curves.shares << (total > 0 ? shows[arm] / total : 0);
  }
}

QString readSource(const exporting::CategoryLogs& logs, const QStringList& files) {
  QStringList names;
  for (const auto& file : files) names << QFileInfo(file).fileName();
  QString source = QObject::tr("Click logs %1: %2 impressions, %3 clicks")
                       .arg(names.join(", "))
                       .arg(logs.impressions())
                       .arg(logs.clicks());
  if (logs.other_arms_impressions > 0) {
    source += QObject::tr("; %1 impressions of prompts no longer approved left out").arg(logs.other_arms_impressions);
  }
  if (!logs.skipped.empty()) {
    source += QObject::tr("; %1 lines skipped (line %2: %3)")
                  .arg(logs.skipped.size())
                  .arg(logs.skipped.front().line)
                  .arg(QString::fromStdString(logs.skipped.front().message));
  }
  return source;
}

}  // namespace

std::pair<double, double> wilsonInterval(double clicks, double shows) {
  if (shows <= 0) return {0, 0};
  const auto interval = experiment::wilson_interval(clicks, shows);
  return {interval.low, interval.high};
}

BanditCurves curvesFromLogs(const exporting::CategoryArms& arms, const QStringList& files) {
  BanditCurves curves;
  try {
    std::vector<std::filesystem::path> paths;
    for (const auto& file : files) paths.emplace_back(file.toStdString());
    auto logs = std::make_shared<const exporting::CategoryLogs>(exporting::read_category_logs(arms, paths));
    labelArms(curves, arms);
    std::vector<double> shows, clicks;
    for (const auto& tally : logs->tallies) {
      shows.push_back(static_cast<double>(tally.impressions));
      clicks.push_back(static_cast<double>(tally.clicks));
    }
    fillArms(curves, shows, clicks);
    const auto& reward = logs->feedback.reward;
    const auto step = std::max<std::size_t>(1, reward.size() / kPlottedPoints);
    double total = 0;
    for (std::size_t round = 0; round < reward.size(); ++round) {
      total += reward[round];
      if ((round + 1) % step != 0 && round + 1 != reward.size()) continue;
      curves.rounds << static_cast<double>(round + 1);
      curves.reward << total;
    }
    curves.source = readSource(*logs, files);
    curves.logs = std::move(logs);
  } catch (const std::exception& error) {
    curves.error = QString::fromStdString(error.what());
  }
  return curves;
}

BanditCurves whatIfSimulation(const exporting::CategoryArms& arms) {
  BanditCurves curves;
  labelArms(curves, arms);
  if (arms.arms.size() < 2) {
    curves.error = QObject::tr("a what-if simulation needs at least two approved prompts");
    return curves;
  }
  curves.source = QObject::tr(
                      "What-if simulation on synthetic users (not your logs): LinUCB over the %1 approved "
                      "prompts, %2 rounds")
                      .arg(arms.arms.size())
                      .arg(kSimulatedRounds);
  bandit::SyntheticConfig config;
  config.n_arms = static_cast<int>(arms.arms.size());
  config.seed = 7;
  const bandit::SyntheticEnvironment environment(config);
  bandit::PolicySettings settings;
  settings.dimension = environment.dimension();
  settings.n_arms = environment.n_arms();
  auto policy = bandit::make_policy(settings);
  bandit::SimulationOptions options;
  options.rounds = kSimulatedRounds;
  options.record_every = kSimulatedRounds / kPlottedPoints;
  for (const auto& point : bandit::simulate(*policy, environment, options)) {
    curves.rounds << static_cast<double>(point.round);
    curves.reward << point.clicks;
    curves.regret << point.regret;
  }
  // Per-arm counts: the trained policy's choices on fresh users, clicked as the environment says.
  std::vector<double> shows(arms.arms.size(), 0), clicks(arms.arms.size(), 0);
  bandit::Random random(11);
  std::vector<double> context(static_cast<std::size_t>(environment.dimension()));
  for (int round = 0; round < 5000; ++round) {
    environment.sample_context(random, context);
    const int arm = policy->select_one(context);
    shows[static_cast<std::size_t>(arm)] += 1;
    clicks[static_cast<std::size_t>(arm)] += random.uniform() < environment.click_probability(context, arm) ? 1 : 0;
  }
  fillArms(curves, shows, clicks);
  return curves;
}

}  // namespace backdrop::ui
