// Unit tests of the data side: feature schema, priors files, log import with bad rows, numpy's
// sort order, replay, estimators and the simulator.

#include <QtTest>

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/bandit/context_free_policies.h"
#include "core/bandit/feature_schema.h"
#include "core/bandit/impression_log.h"
#include "core/bandit/lin_ucb.h"
#include "core/bandit/numpy_sort.h"
#include "core/bandit/obd_dataset.h"
#include "core/bandit/off_policy_estimators.h"
#include "core/bandit/policy_distribution.h"
#include "core/bandit/priors.h"
#include "core/bandit/replay.h"
#include "core/bandit/reward_model.h"
#include "core/bandit/simulation.h"
#include "support/test_data.h"

using namespace backdrop::bandit;

namespace {

FeatureSchema example_schema() {
  FeatureSpec hashed{"page", FeatureSource::placement, FeatureEncoding::hashed, {}, false, 4};
  FeatureSpec price{"price", FeatureSource::product, FeatureEncoding::numeric, {}, false, 0};
  return FeatureSchema({one_hot_feature("segment", FeatureSource::user, {"b", "a", "c", "a"}, true), hashed, price});
}

void write_file(const std::filesystem::path& path, const std::string& text) { std::ofstream(path) << text; }

std::vector<int64_t> lines_of(const std::vector<LogIssue>& issues) {
  std::vector<int64_t> lines;
  for (const auto& issue : issues) lines.push_back(issue.line);
  return lines;
}

}  // namespace

class DataTest : public QObject {
  Q_OBJECT

 private slots:
  void schemaEncodesEveryKind() {
    const auto schema = example_schema();
    QCOMPARE(schema.dimension(), 2 + 4 + 1);
    QCOMPARE(schema.column_names(), (std::vector<std::string>{"segment_b", "segment_c", "page#0", "page#1", "page#2",
                                                              "page#3", "price"}));
    std::vector<double> out(7);
    const std::vector<std::string_view> raw{"c", "home", "12.5"};
    schema.encode(raw, out);
    QCOMPARE(out[0], 0.0);
    QCOMPARE(out[1], 1.0);
    QCOMPARE(out[2 + static_cast<int>(stable_hash("home") % 4)], 1.0);
    QCOMPARE(out[6], 12.5);
    const std::vector<std::string_view> first_level{"a", "home", "0"};
    schema.encode(first_level, out);
    QCOMPARE(out[0] + out[1], 0.0);  // dropped first level: all zeros
    const std::vector<std::string_view> bad{"a", "home", "cheap"};
    QVERIFY_THROWS_EXCEPTION(FeatureError, schema.encode(bad, out));
  }

  void schemaJsonRoundTripAndErrors() {
    const auto schema = example_schema();
    QVERIFY(FeatureSchema::from_json(schema.to_json()) == schema);
    auto broken = schema.to_json();
    broken["features"][0]["encoding"] = "embedding";
    QVERIFY_THROWS_EXCEPTION(FeatureError, FeatureSchema::from_json(broken));
    broken = schema.to_json();
    broken["dimension"] = 99;
    QVERIFY_THROWS_EXCEPTION(FeatureError, FeatureSchema::from_json(broken));
  }

  void priorsRoundTripAndVersionCheck() {
    const auto dir = backdrop::test::scratch_dir("bandit-priors");
    const auto schema = example_schema();
    LinUcb policy({schema.dimension(), 3, 1.0, 1});
    const std::vector<double> x{1, 0, 0, 1, 0, 0, 2.5};
    for (int t = 0; t < 7; ++t) policy.update(t % 3, t % 2, x);
    policy.retire_arm(2);
    const auto priors = priors_from_policy(policy, schema);
    save_priors(priors, dir / "priors.json");
    const auto loaded = load_priors(dir / "priors.json");
    QVERIFY(loaded.schema == schema);
    QCOMPARE(loaded.arms.size(), std::size_t{3});
    QVERIFY(!loaded.arms[2].active);
    LinUcb restored({schema.dimension(), 1, 1.0, 1});
    apply_priors(loaded, restored);
    QCOMPARE(restored.n_arms(), 3);
    QVERIFY(!restored.arm_active(2));
    for (int k = 0; k < 3; ++k) {
      QCOMPARE(Eigen::MatrixXd(restored.arms().a_inverse(k)), Eigen::MatrixXd(policy.arms().a_inverse(k)));
      QCOMPARE(Eigen::VectorXd(restored.arms().theta(k)), Eigen::VectorXd(policy.arms().theta(k)));
    }

    auto json = priors_to_json(priors);
    json["version"] = kPriorsVersion + 1;
    try {
      priors_from_json(json, "p.json");
      QFAIL("a newer version was accepted");
    } catch (const PriorsError& error) {
      QVERIFY(std::string(error.what()).find("version 2 is not supported") != std::string::npos);
    }
    json = priors_to_json(priors);
    json["arms"][1]["b"] = std::vector<double>{1.0};
    QVERIFY_THROWS_EXCEPTION(PriorsError, priors_from_json(json, "p.json"));
    QVERIFY_THROWS_EXCEPTION(PriorsError, priors_from_json(nlohmann::json{{"format", "other"}}, "p.json"));
    LinUcb wrong_dimension({3, 3, 1.0, 1});
    QVERIFY_THROWS_EXCEPTION(PriorsError, apply_priors(loaded, wrong_dimension));
  }

  void designerPriorsEncodeTheCtr() {
    const auto schema = example_schema();
    const std::vector<double> reference{0, 1, 0, 0, 1, 0, 1.0};
    const std::vector<double> ctr{0.02, 0.10};
    const auto priors = designer_priors(schema, ctr, 1000.0, reference);
    LinUcb policy({schema.dimension(), 1, 0.0, 1});
    apply_priors(priors, policy);
    for (int k = 0; k < 2; ++k) {
      const Eigen::Map<const Eigen::VectorXd> x(reference.data(), 7);
      // x . theta = n p |x|^2 / (1 + n |x|^2): the prior CTR up to 1 / (n |x|^2).
      QVERIFY(std::abs(x.dot(policy.arms().theta(k)) - ctr[static_cast<std::size_t>(k)]) < 1e-4);
      QVERIFY(std::abs(priors.arms[static_cast<std::size_t>(k)].beta_alpha - (1.0 + 1000.0 * ctr[static_cast<std::size_t>(k)])) < 1e-12);
    }
    QCOMPARE(policy.select_one(reference), 1);
  }

  void obdImportSkipsBadRowsWithLineNumbers() {
    const auto dir = backdrop::test::scratch_dir("bandit-obd");
    write_file(dir / "log.csv",
               ",timestamp,item_id,position,click,propensity_score,user_feature_0,user_feature_1\n"
               "0,2019-01-01 00:00:03,1,1,0,0.5,a,x\n"
               "1,2019-01-01 00:00:01,0,2,1,0.5,b,y\n"
               "2,2019-01-01 00:00:02,x,1,0,0.5,a,x\n"   // line 4: bad item
               "3,2019-01-01 00:00:02,1,1,2,0.5,a,x\n"   // line 5: bad click
               "4,2019-01-01 00:00:02,1,1,0,0,a,x\n"     // line 6: bad propensity
               "5,2019-01-01 00:00:02,1,1\n"             // line 7: short row
               "6,2019-01-01 00:00:00,1,3,0,0.5,c,x\n");
    const auto campaign = load_obd_campaign(dir / "log.csv");
    QCOMPARE(lines_of(campaign.skipped), (std::vector<int64_t>{4, 5, 6, 7}));
    QCOMPARE(campaign.feedback.size(), int64_t{3});
    QCOMPARE(campaign.file_row_index, (std::vector<int64_t>{6, 1, 0}));  // by timestamp
    QCOMPARE(campaign.feedback.n_arms, 2);
    QCOMPARE(campaign.feedback.len_list, 3);
    QCOMPARE(campaign.schema.column_names(), (std::vector<std::string>{"user_feature_0_b", "user_feature_0_c", "user_feature_1_y"}));
    QCOMPARE(campaign.feedback.context.row(1).sum(), 2.0);  // b, y
    QVERIFY_THROWS_EXCEPTION(LogError, load_obd_campaign(dir / "missing.csv"));
    write_file(dir / "no_click.csv", ",timestamp,item_id,position,propensity_score\n");
    QVERIFY_THROWS_EXCEPTION(LogError, load_obd_campaign(dir / "no_click.csv"));
  }

  void numpySortOrdersLikeASortAndKeepsNumpysTieOrder() {
    std::vector<std::string> keys;
    Random random(2);
    for (int i = 0; i < 500; ++i) keys.push_back(std::to_string(random.below(60)));
    const auto order = numpy_quicksort_argsort(keys);
    std::vector<int64_t> sorted_copy = order;
    std::sort(sorted_copy.begin(), sorted_copy.end());
    for (std::size_t i = 0; i < sorted_copy.size(); ++i) QCOMPARE(sorted_copy[i], static_cast<int64_t>(i));
    for (std::size_t i = 1; i < order.size(); ++i) {
      QVERIFY(keys[static_cast<std::size_t>(order[i - 1])] <= keys[static_cast<std::size_t>(order[i])]);
    }
    // numpy.argsort(["b", "a", "b", "a"], kind="quicksort") == [1, 3, 0, 2] (insertion sort: stable when small).
    QCOMPARE(numpy_quicksort_argsort(std::vector<std::string>{"b", "a", "b", "a"}), (std::vector<int64_t>{1, 3, 0, 2}));
  }

  void impressionLogJoinsClicksAndReportsBadLines() {
    const auto dir = backdrop::test::scratch_dir("bandit-jsonl");
    write_file(dir / "log.jsonl",
               R"({"event":"impression","decision":"d1","arm":2,"position":0,"propensity":0.5,"features":{"user":{"segment":"new"},"product":{"price":3}}})" "\n"
               R"({"event":"impression","decision":"d1","arm":0,"position":1,"propensity":0.25,"features":{"user":{"segment":"new"},"product":{"price":3}}})" "\n"
               "not json\n"
               R"({"event":"click","decision":"d1","position":1})" "\n"
               R"({"event":"click","decision":"d9"})" "\n"
               R"({"event":"impression","decision":"d2","arm":-1,"propensity":0.5})" "\n"
               R"({"event":"impression","decision":"d2","arm":1,"propensity":"high"})" "\n"
               R"({"event":"view"})" "\n"
               R"({"event":"impression","decision":"d3","arm":1,"propensity":0.5,"features":{"user":{"segment":"old"},"product":{"price":4.5}}})" "\n");
    const auto log = load_impression_log(dir / "log.jsonl");
    QCOMPARE(lines_of(log.skipped), (std::vector<int64_t>{3, 6, 7, 8}));
    QCOMPARE(log.unmatched_clicks.size(), std::size_t{1});  // d9 has no impression
    QCOMPARE(log.unmatched_clicks[0].line, int64_t{5});
    QCOMPARE(log.unmatched_clicks[0].decision, std::string("d9"));
    QCOMPARE(log.clicks, int64_t{1});
    QCOMPARE(log.feedback.size(), int64_t{3});
    QCOMPARE(log.feedback.reward, (std::vector<double>{0.0, 1.0, 0.0}));
    QCOMPARE(log.feedback.pscore, (std::vector<double>{0.5, 0.25, 0.5}));
    QCOMPARE(log.feedback.n_arms, 3);
    QCOMPARE(log.feedback.len_list, 2);
    QCOMPARE(log.schema.column_names(), (std::vector<std::string>{"product.price", "user.segment_new", "user.segment_old"}));
    QCOMPARE(log.feedback.context(2, 0), 4.5);

    ImpressionLogOptions options;
    options.schema = FeatureSchema({{"product.price", FeatureSource::product, FeatureEncoding::numeric, {}, false, 0},
                                    {"user.age", FeatureSource::user, FeatureEncoding::numeric, {}, false, 0}});
    const auto strict = load_impression_log(dir / "log.jsonl", options);
    QCOMPARE(strict.feedback.size(), int64_t{0});  // every impression lacks user.age
    QCOMPARE(strict.skipped.size(), std::size_t{7});

    // A serving schema names features without their source: "segment" of the user.
    ImpressionLogOptions serving;
    serving.schema = FeatureSchema({one_hot_feature("segment", FeatureSource::user, {"new", "old"}, false),
                                    {"price", FeatureSource::product, FeatureEncoding::numeric, {}, false, 0}});
    const auto served = load_impression_log(dir / "log.jsonl", serving);
    QCOMPARE(served.feedback.size(), int64_t{3});
    QCOMPARE(served.feedback.context(2, 1), 1.0);  // segment_old
    QCOMPARE(served.feedback.context(2, 2), 4.5);  // price
  }

  // Two replicas' folders and a restart: clicks logged before their impression, in the other file,
  // or twice, each count once; a click with no impression anywhere never reaches the priors.
  void impressionLogsJoinClicksAcrossFilesOnce() {
    namespace fs = std::filesystem;
    const auto dir = backdrop::test::scratch_dir("bandit-jsonl-replicas");
    // Built with nlohmann::json: moc (Qt 6.4) found no class in this file when these lines were raw
    // string literals, so the test had no slots.
    const auto impression = [](const std::string& decision, int arm) {
      return nlohmann::json{{"event", "impression"},
                            {"decision", decision},
                            {"arm", arm},
                            {"propensity", 0.5},
                            {"features", {{"user", {{"age", 3}}}}}}
                 .dump() +
             "\n";
    };
    const auto click = [](const std::string& decision) {
      return nlohmann::json{{"event", "click"}, {"decision", decision}}.dump() + "\n";
    };
    fs::create_directories(dir / "a");
    fs::create_directories(dir / "b");
    // a: a click for b's decision before b wrote it, a click of its own decision twice (a retry),
    // and one with no impression anywhere.
    write_file(dir / "a" / "shoes.jsonl", click("b-1") + impression("a-1", 0) + click("a-1") + impression("a-2", 1) +
                                              click("a-1") + click("forged") + "\n");
    // b: its own decisions, a second click for b-1 (sent to both replicas), and a click of a's
    // decision a-2 after a restart of a.
    write_file(dir / "b" / "shoes.jsonl", impression("b-1", 1) + impression("b-2", 0) + click("b-1") + click("a-2") +
                                              "{\"event\":\"click\"}\n" + impression("b-3", -1) + click("b-3"));
    const auto files = impression_log_files({dir / "a", dir / "b", dir / "missing"}, "shoes");
    QCOMPARE(files, (std::vector<fs::path>{dir / "a" / "shoes.jsonl", dir / "b" / "shoes.jsonl"}));
    const auto log = load_impression_logs(files);
    QCOMPARE(log.decision, (std::vector<std::string>{"a-1", "a-2", "b-1", "b-2"}));
    QCOMPARE(log.feedback.reward, (std::vector<double>{1.0, 1.0, 1.0, 0.0}));
    QCOMPARE(log.clicks, int64_t{3});
    QCOMPARE(log.repeated_clicks, int64_t{2});  // a-1 and b-1 again
    QCOMPARE(log.unmatched_clicks.size(), std::size_t{1});
    QCOMPARE(log.unmatched_clicks[0].file, dir / "a" / "shoes.jsonl");
    QCOMPARE(log.unmatched_clicks[0].line, int64_t{6});
    QCOMPARE(log.unmatched_clicks[0].decision, std::string("forged"));
    // b's click without a decision, named by its file, and its image of an experiment group that
    // is no arm (whose click is neither a round nor unmatched).
    QCOMPARE(log.skipped.size(), std::size_t{2});
    QCOMPARE(log.skipped[0].line, int64_t{5});
    QVERIFY(log.skipped[0].message.starts_with((dir / "b" / "shoes.jsonl").string() + ": click without"));
    QCOMPARE(log.skipped[1].line, int64_t{6});

    // The priors count each click once, and nothing of the unmatched one.
    const auto priors = priors_from_logs(log.feedback, log.schema, 2);
    QCOMPARE(priors.arms[0].linear.pulls + priors.arms[1].linear.pulls, int64_t{4});
    QCOMPARE(priors.arms[0].linear.reward_sum + priors.arms[1].linear.reward_sum, 3.0);
    QCOMPARE(priors.arms[0].beta_alpha, 2.0);  // a-1 clicked, b-2 not
    QCOMPARE(priors.arms[1].beta_alpha, 3.0);  // a-2 and b-1 clicked

    // One folder alone misses the other's impressions: its clicks for them are unmatched.
    const auto alone = load_impression_logs({dir / "a" / "shoes.jsonl"});
    QCOMPARE(alone.clicks, int64_t{1});
    QCOMPARE(alone.unmatched_clicks.size(), std::size_t{2});
    QVERIFY_THROWS_EXCEPTION(LogError, load_impression_logs({dir / "a" / "shoes.jsonl", dir / "missing.jsonl"}));
  }

  void replayOfTheLoggingPolicyMatchesEveryRound() {
    LoggedFeedback logs;
    logs.n_arms = 2;
    logs.context = RowMatrix::Zero(4, 1);
    logs.action = {0, 0, 1, 0};
    logs.position = {0, 1, 0, 0};
    logs.reward = {1, 0, 0, 1};
    logs.pscore = {1, 1, 1, 1};
    BernoulliTsPolicy always_zero({2, 1, 0, 0.0});
    always_zero.retire_arm(1);
    const auto result = replay(always_zero, logs);
    QCOMPARE(result.rounds, int64_t{4});
    QCOMPARE(result.matched, int64_t{3});
    QCOMPARE(result.clicks, 2.0);
    ReplayOptions first;
    first.mode = ReplayMode::first_position_top1;
    QCOMPARE(replay(always_zero, logs, first).rounds, int64_t{3});
  }

  void onPolicyIpwIsTheMeanReward() {
    LoggedFeedback logs;
    logs.n_arms = 2;
    logs.context = RowMatrix::Zero(6, 1);
    logs.action = {0, 1, 0, 1, 1, 0};
    logs.position = std::vector<int>(6, 0);
    logs.reward = {1, 0, 0, 1, 1, 0};
    logs.pscore = std::vector<double>(6, 0.5);
    Eigen::MatrixXd uniform(2, 1);
    uniform << 0.5, 0.5;
    const auto distribution = ActionDistribution::shared(uniform);
    const OffPolicyInput input{&logs, &distribution, nullptr, 0.0};
    QCOMPARE(mean(round_values(Estimator::ipw, input)), 0.5);
    QCOMPARE(mean(round_values(Estimator::snipw, input)), 0.5);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, round_values(Estimator::dr, input));
    const auto values = round_values(Estimator::ipw, input);
    const auto a = bootstrap_interval(values, 500, 0.05, 1);
    const auto b = bootstrap_interval(values, 500, 0.05, 1);
    QCOMPARE(a.low, b.low);
    QVERIFY(a.low < 0.5 && 0.5 < a.high);
  }

  void priorsFromLogsStartFromDesignerPriors() {
    const auto schema = example_schema();
    const std::vector<double> x{0, 1, 0, 0, 1, 0, 1.0};
    const auto designer = designer_priors(schema, std::vector<double>{0.1, 0.1}, 10.0, x);
    LoggedFeedback logs;
    logs.n_arms = 2;
    logs.context = RowMatrix(3, 7);
    for (int i = 0; i < 3; ++i) logs.context.row(i) = Eigen::Map<const Eigen::RowVectorXd>(x.data(), 7);
    logs.action = {1, 1, 0};
    logs.position = {0, 0, 0};
    logs.reward = {1, 0, 1};
    logs.pscore = {0.5, 0.5, 0.5};
    const auto priors = priors_from_logs(logs, schema, 2, &designer);
    QCOMPARE(priors.arms[1].beta_alpha, designer.arms[1].beta_alpha + 1.0);
    QCOMPARE(priors.arms[1].beta_beta, designer.arms[1].beta_beta + 1.0);
    QCOMPARE(priors.arms[0].linear.pulls, designer.arms[0].linear.pulls + 1);
    const auto fresh = priors_from_logs(logs, schema, 2);
    QVERIFY(!(fresh.arms[0].linear.a_inverse - priors.arms[0].linear.a_inverse).isZero());

    // A trained Bernoulli TS policy saves its posterior as the next prior.
    BernoulliTsPolicy policy({2, 1, 0, 0.0});
    policy.update(0, 1.0, {});
    policy.update(0, 0.0, {});
    const auto saved = priors_from_policy(policy, schema);
    QCOMPARE(saved.arms[0].beta_alpha, 2.0);
    QCOMPARE(saved.arms[0].beta_beta, 2.0);
  }

  void logisticRegressionAndCrossFitting() {
    Random random(8);
    LoggedFeedback logs;
    logs.n_arms = 2;
    logs.len_list = 1;
    const int n = 2000;
    logs.context = RowMatrix::Zero(n, 1);
    for (int i = 0; i < n; ++i) {
      logs.context(i, 0) = random.below(2);
      logs.action.push_back(random.below(2));
      logs.position.push_back(0);
      // Arm 1 clicks far more often, and more so when the feature is on.
      const double p = logs.action.back() == 1 ? (logs.context(i, 0) > 0 ? 0.6 : 0.3) : 0.05;
      logs.reward.push_back(random.uniform() < p ? 1.0 : 0.0);
      logs.pscore.push_back(0.5);
    }
    const RowMatrix predicted = cross_fitted_rewards(logs, Eigen::MatrixXd());
    QCOMPARE(predicted.rows(), Eigen::Index{n});
    QCOMPARE(predicted.cols(), Eigen::Index{2});
    QVERIFY(predicted.minCoeff() > 0.0 && predicted.maxCoeff() < 1.0);
    for (int i = 0; i < 20; ++i) QVERIFY(predicted(i, 1) > predicted(i, 0));
    LogisticRegression single_class;
    single_class.fit(RowMatrix::Zero(3, 1), Eigen::VectorXd::Zero(3), 0.01);
    QCOMPARE(single_class.predict(Eigen::RowVectorXd::Zero(1)), 0.0);
  }

  void actionDistributionOfPolicies() {
    LoggedFeedback logs;
    logs.n_arms = 4;
    logs.context = RowMatrix::Zero(5, 2);
    logs.context.col(0).setOnes();
    logs.action = {0, 1, 2, 3, 0};
    logs.position = std::vector<int>(5, 0);
    logs.reward = std::vector<double>(5, 0.0);
    logs.pscore = std::vector<double>(5, 0.25);
    UniformRandomPolicy random_policy({4, 1, 3, 0.0});
    const auto uniform = policy_action_distribution(random_policy, logs, 2, 20000);
    QVERIFY((uniform.table(0).array() - 0.25).abs().maxCoeff() < 0.02);
    QCOMPARE(uniform.table(0).col(0).sum(), 1.0);
    LinUcb linucb({2, 4, 1.0, 1});
    const auto deterministic = policy_action_distribution(linucb, logs, 2, 100);
    QCOMPARE(deterministic(3, 0, 0), 1.0);  // all tied: arm 0 first, arm 1 second
    QCOMPARE(deterministic(3, 1, 1), 1.0);
    QCOMPARE(deterministic.table(4).sum(), 2.0);
  }

  void linUcbHasLessRegretThanRandomInSimulation() {
    const SyntheticEnvironment environment({5, 3, 3, 0.05, 1.5, 4});
    SimulationOptions options;
    options.rounds = 4000;
    options.record_every = 1000;
    LinUcb linucb({environment.dimension(), environment.n_arms(), 0.5, 1});
    UniformRandomPolicy random({environment.n_arms(), 1, 1, 0.0});
    const auto learned = simulate(linucb, environment, options);
    const auto baseline = simulate(random, environment, options);
    QCOMPARE(learned.size(), std::size_t{4});
    QCOMPARE(learned.back().round, int64_t{4000});
    QVERIFY(learned.back().regret < 0.5 * baseline.back().regret);
    QCOMPARE(environment.schema().dimension(), environment.dimension());
  }
};

QTEST_APPLESS_MAIN(DataTest)
#include "data_test.moc"
