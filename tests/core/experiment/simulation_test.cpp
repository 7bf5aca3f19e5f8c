// The report's statistics checked against simulated experiments with known true CTRs:
// - the 95% uplift interval covers the true uplift in 93-97% of 500 experiments at CTRs of 1-5%
//   with several impressions per user (users differ in how much they click);
// - the sample-ratio test flags a 52/48 split of 100,000 users in at least 99% of runs and a true
//   50/50 split in at most 1%;
// - the power calculation matches the closed form and the rejection rate of the report's test.
// The figures are printed (qInfo) for the closing note.

#include <QtTest>

#include <QTemporaryDir>

#include <chrono>
#include <cmath>

#include <nlohmann/json.hpp>

#include "core/bandit/random.h"
#include "core/experiment/experiment_log.h"
#include "core/experiment/experiment_report.h"
#include "core/experiment/experiment_simulation.h"

using namespace backdrop::experiment;
using backdrop::bandit::Random;

namespace {

// A two-group experiment: control CTR uniform in [1%, 5%], true uplift uniform in [-10%, +30%].
SimulationConfig random_experiment(Random& random, uint64_t seed) {
  SimulationConfig config;
  config.experiment = "sim-" + std::to_string(seed);
  const double control_ctr = 0.01 + 0.04 * random.uniform();
  const double uplift = -0.1 + 0.4 * random.uniform();
  config.groups = {{"original", "original", 0.5, control_ctr, {}},
                   {"personalised", "personalised", 0.5, control_ctr * (1.0 + uplift), {}}};
  config.users = 4000;
  config.impressions_per_user = 5.0;
  config.user_heterogeneity = 0.8;
  config.seed = seed;
  return config;
}

// Successes in `trials` Bernoulli(p) draws.
double binomial(Random& random, int64_t trials, double p) {
  double successes = 0;
  for (int64_t i = 0; i < trials; ++i) successes += random.uniform() < p ? 1.0 : 0.0;
  return successes;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

class SimulationTest : public QObject {
  Q_OBJECT

 private slots:
  void uplift_interval_covers_the_true_uplift() {
    const auto start = std::chrono::steady_clock::now();
    constexpr int kExperiments = 500;
    Random random(2026);
    int covered = 0, bootstrap_covered = 0, bootstrap_runs = 0, significant = 0;
    ReportOptions options;
    options.bootstrap_resamples = 0;
    for (int e = 0; e < kExperiments; ++e) {
      const auto config = random_experiment(random, 1000 + static_cast<uint64_t>(e));
      const auto rows = impression_rows(simulate_experiment(config));
      // The bootstrap is the slow part: every tenth experiment, as the check it is.
      options.bootstrap_resamples = e % 10 == 0 ? 400 : 0;
      const auto report = build_experiment_report(rows, options);
      QCOMPARE(report.experiments.size(), std::size_t{1});
      const auto& group = report.experiments.front().groups.at(1);
      QCOMPARE(group.group, std::string("personalised"));
      const double truth = true_uplift(config, "personalised");
      QVERIFY(group.uplift_ci);
      covered += group.uplift_ci->contains(truth) ? 1 : 0;
      significant += group.p_value.value() < 0.05 ? 1 : 0;
      if (group.uplift_bootstrap_ci) {
        ++bootstrap_runs;
        bootstrap_covered += group.uplift_bootstrap_ci->contains(truth) ? 1 : 0;
      }
    }
    const double coverage = static_cast<double>(covered) / kExperiments;
    qInfo("uplift interval coverage: %d of %d experiments (%.1f%%); bootstrap %d of %d; p < 0.05 in %d; %.1f s",
          covered, kExperiments, 100.0 * coverage, bootstrap_covered, bootstrap_runs, significant,
          seconds_since(start));
    QVERIFY2(coverage >= 0.93 && coverage <= 0.97, qPrintable(QString("coverage %1").arg(coverage)));
    QVERIFY(bootstrap_runs == kExperiments / 10);
    QVERIFY(bootstrap_covered >= bootstrap_runs * 85 / 100);
  }

  // The same experiment through serving-format files gives the same report as from memory, with
  // unassigned requests and late clicks (which count 0) in the log.
  void serving_logs_round_trip() {
    Random random(7);
    auto config = random_experiment(random, 99);
    config.users = 500;
    config.unassigned_share = 0.1;
    config.late_click_share = 0.2;
    config.placements = {"square", "wide"};
    const auto simulated = simulate_experiment(config);
    QTemporaryDir folder;
    write_serving_logs(simulated, folder.path().toStdString());
    const auto log = load_experiment_log(folder.path().toStdString());
    QVERIFY(log.skipped.empty());
    QCOMPARE(log.impressions.size(), simulated.size());
    QVERIFY(log.late_clicks > 0);
    QCOMPARE(log.unmatched_clicks, int64_t{0});
    ReportOptions options;
    options.by_placement = true;
    const auto from_files = report_json(build_experiment_report(log.impressions, options));
    const auto from_memory = report_json(build_experiment_report(impression_rows(simulated), options));
    QCOMPARE(from_files.dump(), from_memory.dump());
    QCOMPARE(from_files["experiments"].size(), std::size_t{2});
  }

  void sample_ratio_mismatch_rates() {
    const auto start = std::chrono::steady_clock::now();
    constexpr int kRuns = 1000;
    constexpr int64_t kUsers = 100000;
    const std::vector<double> planned{0.5, 0.5};
    Random random(52);
    int flagged_skewed = 0, flagged_fair = 0;
    for (int run = 0; run < kRuns; ++run) {
      const double skewed = binomial(random, kUsers, 0.52);
      flagged_skewed += sample_ratio_test(std::vector<double>{skewed, kUsers - skewed}, planned).mismatch ? 1 : 0;
      const double fair = binomial(random, kUsers, 0.5);
      flagged_fair += sample_ratio_test(std::vector<double>{fair, kUsers - fair}, planned).mismatch ? 1 : 0;
    }
    qInfo("sample ratio mismatch flagged: 52/48 in %d of %d runs, 50/50 in %d of %d; %.1f s", flagged_skewed, kRuns,
          flagged_fair, kRuns, seconds_since(start));
    QVERIFY(flagged_skewed >= kRuns * 99 / 100);
    QVERIFY(flagged_fair <= kRuns / 100);
  }

  // Through the report: users drawn 52/48 against a 50/50 plan are flagged, in users.
  void report_flags_a_skewed_split_of_users() {
    SimulationConfig config;
    config.groups = {{"original", "original", 0.52, 0.03, {}}, {"personalised", "personalised", 0.48, 0.03, {}}};
    config.users = 100000;
    config.impressions_per_user = 1.5;
    auto rows = impression_rows(simulate_experiment(config));
    for (auto& row : rows) row.group_share = 0.5;
    ReportOptions options;
    options.bootstrap_resamples = 0;
    const auto report = build_experiment_report(rows, options);
    const auto& slice = report.experiments.front();
    QCOMPARE(slice.sample_ratio_unit, std::string("users"));
    QVERIFY(slice.sample_ratio.mismatch);
    QCOMPARE(slice.groups[0].users + slice.groups[1].users, int64_t{100000});
  }

  // At the closed form's sample size for 3% against 3.3%, the report's test rejects in about 80%
  // of simulated experiments, and the minimum detectable uplift at that size is the 10% put in.
  void power_matches_the_closed_form() {
    const auto start = std::chrono::steady_clock::now();
    const double control = 0.03, effect = 0.1;
    const double n = two_proportion_sample_size(control, control * (1.0 + effect), 1.0);
    QVERIFY(std::abs(minimum_detectable_uplift(control, n, n) - effect) < 1e-9);
    const auto impressions = static_cast<int64_t>(std::ceil(n));
    constexpr int kRuns = 1000;
    Random random(80);
    int rejected = 0;
    for (int run = 0; run < kRuns; ++run) {
      const double c = binomial(random, impressions, control);
      const double g = binomial(random, impressions, control * (1.0 + effect));
      const auto uplift = relative_uplift(ratio_from_counts(g, static_cast<double>(impressions)),
                                          ratio_from_counts(c, static_cast<double>(impressions)));
      rejected += uplift && uplift->p_value < 0.05 ? 1 : 0;
    }
    const double power = static_cast<double>(rejected) / kRuns;
    qInfo("power at n = %lld per group (3%% vs 3.3%%): %.3f (closed form 0.8); %.1f s",
          static_cast<long long>(impressions), power, seconds_since(start));
    QVERIFY2(std::abs(power - 0.8) < 0.04, qPrintable(QString("power %1").arg(power)));
  }
};

QTEST_APPLESS_MAIN(SimulationTest)
#include "simulation_test.moc"
