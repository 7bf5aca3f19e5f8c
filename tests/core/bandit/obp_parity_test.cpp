// Parity with Open Bandit Pipeline on one campaign of the Open Bandit Dataset (see the fixture
// folder's README): obp's dataset arrays and row order, LinUCB's replay under the canonical tie
// rule, the estimators' arithmetic on obp's stored arrays, and our own DR estimate.

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>

#include "core/bandit/context_free_policies.h"
#include "core/bandit/lin_ucb.h"
#include "core/bandit/obd_dataset.h"
#include "core/bandit/off_policy_estimators.h"
#include "core/bandit/replay.h"
#include "core/bandit/reward_model.h"
#include "obp_fixture.h"
#include "parsed_floats.h"

using namespace backdrop::bandit;
using backdrop::test::ObpFixture;
using backdrop::test::same_parsed_float;

namespace {

constexpr double kEstimatorRelative = 1e-12;

bool close(double actual, double expected, double relative) {
  return std::abs(actual - expected) <= relative * std::max(std::abs(actual), std::abs(expected));
}

// A column's text by the value of a key column (the CSV's unnamed row index is the key "").
std::unordered_map<int64_t, std::string> column_text(const std::filesystem::path& csv, const std::string& key,
                                                     const std::string& column) {
  backdrop::CsvReader reader(csv);
  std::vector<std::string> fields;
  reader.next(fields);
  const backdrop::CsvHeader header(fields);
  const auto key_at = header.require(key, csv.string());
  const auto column_at = header.require(column, csv.string());
  std::unordered_map<int64_t, std::string> texts;
  while (reader.next(fields)) texts[std::stoll(fields.at(key_at))] = fields.at(column_at);
  return texts;
}

std::span<const double> row_span(const RowMatrix& matrix, int64_t i) {
  return {matrix.row(i).data(), static_cast<std::size_t>(matrix.cols())};
}

}  // namespace

class ObpParityTest : public QObject {
  Q_OBJECT

 private:
  std::optional<ObpFixture> loaded_;
  ObdCampaign random_;
  Eigen::MatrixXd action_context_;

  const ObpFixture& fixture() const { return *loaded_; }

  // obp's OPE inputs rebuilt from the stored arrays (pscore as pandas parsed it).
  LoggedFeedback stored_feedback() const {
    LoggedFeedback logs;
    const auto context = fixture().u8("context");
    const auto shape = fixture().shape("context");
    logs.context = Eigen::Map<const RowMatrix>(context.data(), shape[0], shape[1]);
    for (auto a : fixture().i64("action")) logs.action.push_back(static_cast<int>(a));
    for (auto p : fixture().i64("position")) logs.position.push_back(static_cast<int>(p));
    for (auto r : fixture().i64("reward")) logs.reward.push_back(static_cast<double>(r));
    logs.pscore = fixture().f64("pscore");
    logs.n_arms = static_cast<int>(fixture().shape("action_dist")[0]);
    logs.len_list = static_cast<int>(fixture().shape("action_dist")[1]);
    return logs;
  }

  // The size of what each round's value is made of: |dm_i| + w_i (|r_i| + |q_i(a_i)|), divided by the
  // mean weight for the self-normalised estimators (README "Estimators as obp computes them").
  // Rounding in a sum is proportional to the sum of its terms' magnitudes, so a round that cancels
  // to near zero is checked against these, not against its own tiny value.
  std::vector<double> round_magnitudes(Estimator estimator, const LoggedFeedback& logs,
                                       const RowMatrix& predicted) const {
    const auto dm = fixture().f64("round_rewards.dm");
    const auto distribution = stored_matrix("action_dist");
    const auto n = static_cast<std::size_t>(logs.size());
    std::vector<double> weight(n);
    for (std::size_t i = 0; i < n; ++i) {
      weight[i] = distribution(logs.action[i], logs.position[i]) / logs.pscore[i];
    }
    const bool self_normalised = estimator == Estimator::snipw || estimator == Estimator::sndr;
    const double normaliser = self_normalised ? mean(weight) : 1.0;
    std::vector<double> magnitude(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double reward = std::abs(logs.reward[i]);
      const double model = std::abs(predicted(static_cast<Eigen::Index>(i), logs.action[i]));
      switch (estimator) {
        case Estimator::dm: magnitude[i] = std::abs(dm[i]); break;
        case Estimator::ipw:
        case Estimator::snipw: magnitude[i] = weight[i] * reward / normaliser; break;
        case Estimator::dr:
        case Estimator::sndr: magnitude[i] = std::abs(dm[i]) + weight[i] * (reward + model) / normaliser; break;
      }
    }
    return magnitude;
  }

  Eigen::MatrixXd stored_matrix(const std::string& name) const {
    const auto values = fixture().f64(name);
    const auto shape = fixture().shape(name);
    return Eigen::Map<const RowMatrix>(values.data(), shape[0], shape[1]);
  }

 private slots:
  void initTestCase() {
    try {
      loaded_.emplace();
    } catch (const std::exception& error) {
      QFAIL(error.what());  // a missing fixture folder or file, named
    }
    random_ = load_obd_campaign(fixture().log("random"));
    action_context_ = load_obd_item_context(fixture().item_context("random"));
  }

  void datasetMatchesObpExactly() {
    const auto& expected = fixture().reference["dataset"]["random"];
    const auto& logs = random_.feedback;
    QVERIFY(random_.skipped.empty());
    QCOMPARE(logs.size(), expected["n_rounds"].get<int64_t>());
    QCOMPARE(logs.n_arms, expected["n_actions"].get<int>());
    QCOMPARE(logs.len_list, expected["len_list"].get<int>());
    QCOMPARE(logs.dimension(), expected["dim_context"].get<int>());
    QCOMPARE(random_.schema.column_names(), expected["context_columns"].get<std::vector<std::string>>());

    // Row order: numpy's unstable sort on the timestamps, as pandas' sort_values leaves it.
    QCOMPARE(random_.file_row_index, fixture().i64("file_row_index"));
    QCOMPARE(Eigen::MatrixXd(logs.context), Eigen::MatrixXd(stored_feedback().context));
    std::vector<int64_t> action(logs.action.begin(), logs.action.end());
    std::vector<int64_t> position(logs.position.begin(), logs.position.end());
    std::vector<int64_t> reward(logs.reward.begin(), logs.reward.end());
    QCOMPARE(action, fixture().i64("action"));
    QCOMPARE(position, fixture().i64("position"));
    QCOMPARE(reward, fixture().i64("reward"));
    // pandas' parser is not correctly rounded (README: "Float parsing"): the same reading of the
    // text up to a few ulp plus the digits pandas drops.
    const auto pscore = fixture().f64("pscore");
    const auto pscore_text = column_text(fixture().log("random"), "", "propensity_score");
    for (std::size_t i = 0; i < pscore.size(); ++i) {
      const auto& text = pscore_text.at(random_.file_row_index[i]);
      QVERIFY2(same_parsed_float(logs.pscore[i], pscore[i], text),
               qPrintable(QString("pscore of row %1: '%2' read as %3, pandas %4")
                              .arg(i).arg(QString::fromStdString(text)).arg(logs.pscore[i], 0, 'g', 17).arg(pscore[i], 0, 'g', 17)));
    }
    // Label-encoded item features exactly; item_feature_0 up to pandas' parsing, as above.
    const auto stored_items = stored_matrix("action_context");
    QCOMPARE(action_context_.rows(), stored_items.rows());
    QCOMPARE(action_context_.cols(), stored_items.cols());
    const auto last = stored_items.cols() - 1;
    QCOMPARE(Eigen::MatrixXd(action_context_.leftCols(last)), Eigen::MatrixXd(stored_items.leftCols(last)));
    const auto item_text = column_text(fixture().item_context("random"), "item_id", "item_feature_0");
    for (Eigen::Index k = 0; k < stored_items.rows(); ++k) {
      const auto& text = item_text.at(k);
      QVERIFY2(same_parsed_float(action_context_(k, last), stored_items(k, last), text),
               qPrintable(QString("item_feature_0 of item %1: '%2' read as %3, pandas %4")
                              .arg(k).arg(QString::fromStdString(text)).arg(action_context_(k, last), 0, 'g', 17)
                              .arg(stored_items(k, last), 0, 'g', 17)));
    }
  }

  void withAffinitiesAppendsThem() {
    ObdImportOptions options;
    options.with_affinities = true;
    const auto campaign = load_obd_campaign(fixture().log("random"), options);
    QCOMPARE(campaign.feedback.dimension(),
             fixture().reference["dataset"]["random"]["dim_context_if_affinities_appended"].get<int>());
  }

  void btsLogGivesTheOnPolicyCtr() {
    const auto& expected = fixture().reference["dataset"]["bts"];
    const auto bts = load_obd_campaign(fixture().log("bts"));
    QCOMPARE(bts.feedback.dimension(), expected["dim_context"].get<int>());
    QVERIFY(close(bts.feedback.mean_reward(), expected["on_policy_ctr"].get<double>(), 1e-12));
  }

  // LinUCB(alpha = 1), top-1 on every row, lowest index among scores within 1e-9 of the best.
  void linUcbReproducesCanonicalLowest() {
    const auto& trace = fixture().reference["linucb_parity_trace"];
    const auto& expected = trace["canonical_lowest"];
    const auto chosen_expected = expected["chosen"].get<std::vector<int>>();
    const auto top_expected = expected["top_score"].get<std::vector<double>>();
    const auto& logs = random_.feedback;
    LinUcb policy({logs.dimension(), logs.n_arms, 1.0, 1});
    std::vector<int> matched_rounds;
    int64_t matched = 0;
    double clicks = 0.0;
    for (int64_t i = 0; i < logs.size(); ++i) {
      const auto x = row_span(logs.context, i);
      const int chosen = policy.select_one(x);
      if (i < static_cast<int64_t>(chosen_expected.size())) {
        if (chosen != chosen_expected[static_cast<std::size_t>(i)]) {
          QFAIL(qPrintable(QString("round %1: chose %2, obp canonical_lowest %3")
                               .arg(i).arg(chosen).arg(chosen_expected[static_cast<std::size_t>(i)])));
        }
        const double top = policy.last_scores()[static_cast<std::size_t>(chosen)];
        QVERIFY2(std::abs(top - top_expected[static_cast<std::size_t>(i)]) <= 1e-9 * std::max(1.0, std::abs(top)) + 1e-12,
                 qPrintable(QString("round %1 top score").arg(i)));
      }
      if (chosen == logs.action[static_cast<std::size_t>(i)]) {
        policy.update(chosen, logs.reward[static_cast<std::size_t>(i)], x);
        if (i < static_cast<int64_t>(chosen_expected.size())) matched_rounds.push_back(static_cast<int>(i));
        ++matched;
        clicks += logs.reward[static_cast<std::size_t>(i)];
      }
    }
    QCOMPARE(matched_rounds, expected["matched_rounds"].get<std::vector<int>>());
    const auto& full = trace["full_run_all_rounds"]["canonical_lowest"];
    QCOMPARE(matched, full["matched"].get<int64_t>());
    QCOMPARE(clicks, full["clicks"].get<double>());

    // The replay engine gives the same counts.
    LinUcb fresh({logs.dimension(), logs.n_arms, 1.0, 1});
    const auto result = replay(fresh, logs);
    QCOMPARE(result.rounds, logs.size());
    QCOMPARE(result.matched, full["matched"].get<int64_t>());
    QCOMPARE(result.clicks, full["clicks"].get<double>());
  }

  void replayRoundCountsPerMode() {
    const auto& results = fixture().reference["replay"]["results"];
    const auto& logs = random_.feedback;
    const std::pair<const char*, ReplayMode> modes[] = {{"all_positions_top1", ReplayMode::all_positions_top1},
                                                        {"position0_only_top1", ReplayMode::first_position_top1},
                                                        {"obp_slate_len3", ReplayMode::slate}};
    for (const auto& [name, mode] : modes) {
      LinUcb policy({logs.dimension(), logs.n_arms, 1.0, 1});
      ReplayOptions options;
      options.mode = mode;
      const auto result = replay(policy, logs, options);
      QCOMPARE(result.rounds, results[name]["LinUCB(epsilon=1.0)"]["rounds"].get<int64_t>());
      QVERIFY(result.matched > 0);
    }
  }

  // Stochastic policies match obp only in distribution: our mean over 10 seeds within 3 standard
  // errors (obp's seed-to-seed spread) of obp's mean.
  void randomPolicyReplayMatchesInDistribution() {
    const auto& expected = fixture().reference["replay"]["multi_seed_all_positions_top1"]["Random"];
    const auto& logs = random_.feedback;
    double sum = 0.0;
    const int seeds = 10;
    for (int seed = 0; seed < seeds; ++seed) {
      UniformRandomPolicy policy({logs.n_arms, 1, static_cast<uint64_t>(seed), 0.0});
      sum += static_cast<double>(replay(policy, logs).matched);
    }
    const double standard_error = expected["matched_std"].get<double>() / std::sqrt(double(seeds));
    QVERIFY(std::abs(sum / seeds - expected["matched_mean"].get<double>()) <= 3.0 * standard_error);
  }

  void estimatorsOnStoredArraysMatchObp() {
    const auto logs = stored_feedback();
    const auto distribution = ActionDistribution::shared(stored_matrix("action_dist"));
    const RowMatrix predicted = stored_matrix("estimated_rewards_by_reg_model_at_position");
    const OffPolicyInput input{&logs, &distribution, &predicted, 0.0};
    for (const auto estimator : kAllEstimators) {
      const auto name = to_string(estimator);
      const auto values = round_values(estimator, input);
      const auto expected = fixture().f64("round_rewards." + name);
      QCOMPARE(values.size(), expected.size());
      // README "Tolerances": 1e-12 relative, of the terms' size, not of a round left near zero.
      const auto magnitudes = round_magnitudes(estimator, logs, predicted);
      for (std::size_t i = 0; i < values.size(); ++i) {
        QVERIFY2(std::abs(values[i] - expected[i]) <= kEstimatorRelative * magnitudes[i],
                 qPrintable(QString("%1 round %2: %3, obp %4, terms of size %5")
                                .arg(QString::fromStdString(name)).arg(i).arg(values[i], 0, 'g', 17)
                                .arg(expected[i], 0, 'g', 17).arg(magnitudes[i])));
      }
      const double estimate = mean(values);
      QVERIFY2(std::abs(estimate - fixture().f64("estimate." + name).front()) <= kEstimatorRelative * mean(magnitudes),
               qPrintable(QString::fromStdString(name)));
      const double rounded = fixture().reference["ope_benchmark"]["full_data"]["estimated_ctr"][name].get<double>();
      QVERIFY(std::abs(estimate - rounded) <= 0.6e-10);
    }
  }

  void clippingBoundsTheWeights() {
    const auto logs = stored_feedback();
    const auto distribution = ActionDistribution::shared(stored_matrix("action_dist"));
    const OffPolicyInput clipped{&logs, &distribution, nullptr, 1.0};
    for (const double value : round_values(Estimator::ipw, clipped)) QVERIFY(value <= 1.0);
    const OffPolicyInput unclipped{&logs, &distribution, nullptr, 0.0};
    QVERIFY(mean(round_values(Estimator::ipw, clipped)) < mean(round_values(Estimator::ipw, unclipped)));
  }

  // The standard check with our own reward model: estimate BernoulliTS's CTR from the random log
  // and compare with its on-policy CTR; DR must land within obp's bootstrap spread.
  void ownRewardModelDrWithinBootstrapSpread() {
    const auto& benchmark = fixture().reference["ope_benchmark"];
    const double truth = benchmark["ground_truth_bts_on_policy_ctr"].get<double>();
    const auto& logs = random_.feedback;
    const auto distribution = ActionDistribution::shared(stored_matrix("action_dist"));
    const RowMatrix predicted = cross_fitted_rewards(logs, action_context_);
    const OffPolicyInput input{&logs, &distribution, &predicted, 0.0};
    for (const auto& summary : estimate_all(input, 200, 0.05, 12345)) {
      qInfo("%-5s %.10f  relative-ee %.4f  (obp %.4f)  95%% CI [%.6f, %.6f]", to_string(summary.estimator).c_str(),
            summary.value, std::abs(summary.value - truth) / truth,
            benchmark["full_data"]["relative_ee"][to_string(summary.estimator)].get<double>(), summary.interval.low,
            summary.interval.high);
      QVERIFY(summary.interval.low <= summary.value && summary.value <= summary.interval.high);
    }
    const double dr = mean(round_values(Estimator::dr, input));
    const double spread = benchmark["bootstrap"]["relative_ee_std"]["dr"].get<double>() * truth;
    const double obp_dr = benchmark["full_data"]["estimated_ctr"]["dr"].get<double>();
    QVERIFY2(std::abs(dr - obp_dr) <= spread, qPrintable(QString("DR %1 vs obp %2 +- %3").arg(dr).arg(obp_dr).arg(spread)));
  }
};

QTEST_APPLESS_MAIN(ObpParityTest)
#include "obp_parity_test.moc"
