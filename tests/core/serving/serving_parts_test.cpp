// The parts around the decision engine: impression logs the bandit importer reads back, the
// Prometheus text, the pending-decision bounds and the bundle watcher.

#include <QtTest>

#include <QTemporaryDir>

#include <fstream>
#include <random>

#include "core/bandit/impression_log.h"
#include "core/bandit/lin_ucb.h"
#include "core/bandit/priors.h"
#include "core/serving/arm_scores.h"
#include "core/serving/bundle_watcher.h"
#include "core/serving/decision_engine.h"
#include "core/serving/impression_writer.h"
#include "core/serving/json_text.h"
#include "core/serving/pending_decisions.h"
#include "core/serving/request_context.h"
#include "core/serving/serving_metrics.h"
#include "serving_test_bundles.h"

using namespace backdrop::serving;
using backdrop::serving::testing::bundle_of;
namespace fs = std::filesystem;

namespace {

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// A context of `dimension` values, `nonzeros` of them non-zero (all when it is dimension).
std::vector<double> random_context(std::mt19937_64& random, int dimension, int nonzeros) {
  std::vector<double> context(static_cast<std::size_t>(dimension), 0.0);
  std::uniform_real_distribution<double> value(-1.0, 2.0);
  for (int i = 0; i < nonzeros; ++i) {
    context[static_cast<std::size_t>(random() % static_cast<uint64_t>(dimension))] = value(random);
  }
  if (nonzeros == dimension) {
    for (auto& x : context) x = value(random);
  }
  return context;
}

// ArmScores against the policy it copies: the same score bits and the same ranking, after every
// update published the way CategoryLearner publishes (one arm replaced, the others shared).
void check_scores_match_the_policy(int dimension, int nonzeros) {
  std::mt19937_64 random(7);
  backdrop::bandit::LinUcbConfig config;
  config.dimension = dimension;
  config.n_arms = 4;
  config.alpha = 0.7;
  backdrop::bandit::LinUcb policy(config);
  auto published = std::make_shared<const ArmScores>(policy);
  ScoringScratch scratch;
  std::vector<int> expected(4), ranked(4);
  std::vector<double> scores(4);
  for (int step = 0; step < 200; ++step) {
    const auto context = random_context(random, dimension, nonzeros);
    policy.select(context, expected);
    published->rank(context, ranked, scratch);
    published->scores(context, scores, scratch);
    // Exact: QCOMPARE on doubles would be fuzzy.
    for (std::size_t k = 0; k < scores.size(); ++k) QVERIFY(scores[k] == policy.last_scores()[k]);
    QCOMPARE(ranked, expected);
    const int arm = static_cast<int>(random() % 4);
    policy.update(arm, static_cast<double>(random() % 2), context);
    published = std::make_shared<const ArmScores>(*published, policy, arm);
  }
}

}  // namespace

class ServingPartsTest : public QObject {
  Q_OBJECT

 private slots:
  void impressionLogsReadBackIntoTheBanditImporter() {
    QTemporaryDir folder;
    const fs::path logs = folder.filePath("logs").toStdString();
    SyntheticCategorySpec spec;
    spec.policy.epsilon = 0.5;
    spec.policy.latency_budget_ms = 1000.0;
    const auto bundle = bundle_of("v1", spec);
    const auto& priors = bundle->categories.at("shoes").priors;

    std::vector<Decision> decisions;
    std::vector<double> clicked;
    {
      ImpressionWriter writer(logs, std::chrono::milliseconds(5));
      DecisionEngine engine({}, &writer);
      engine.load(bundle);
      for (int i = 0; i < 60; ++i) {
        decisions.push_back(engine.decide({"shoes", "sku-2", "search", synthetic_context(priors.schema, 100 + i)}));
        // Clicks on arm 1 only; every fourth decision gets no feedback at all.
        if (i % 4 == 3) {
          clicked.push_back(0.0);
          continue;
        }
        const bool click = decisions.back().arm == 1;
        engine.feedback(decisions.back().id, click);
        clicked.push_back(click ? 1.0 : 0.0);
      }
    }  // the writer flushes on destruction

    QCOMPARE(writer_file_count(logs), 1);
    backdrop::bandit::ImpressionLogOptions options;
    options.schema = priors.schema;
    const auto log = backdrop::bandit::load_impression_log(logs / "shoes.jsonl", options);
    QVERIFY(log.skipped.empty());
    QCOMPARE(log.feedback.size(), int64_t{60});
    for (std::size_t i = 0; i < decisions.size(); ++i) {
      QCOMPARE(log.decision[i], decisions[i].id);
      QCOMPARE(log.feedback.action[i], decisions[i].arm);
      QCOMPARE(log.feedback.pscore[i], decisions[i].propensity);
      QCOMPARE(log.feedback.reward[i], clicked[i]);
    }
    // The logged features encode to the vector the engine decided with.
    const auto first = encode_context(priors.schema, synthetic_context(priors.schema, 100));
    for (int column = 0; column < priors.schema.dimension(); ++column) {
      QCOMPARE(log.feedback.context(0, column), first[static_cast<std::size_t>(column)]);
    }
    // Trained priors move arm 1 (the clicked arm) up and leave arms never clicked at b = 0.
    const auto trained = backdrop::bandit::priors_from_logs(log.feedback, priors.schema, 3, &priors);
    QVERIFY(trained.arms[1].linear.b.norm() > 0.0);
    QCOMPARE(trained.arms[0].linear.b.norm(), 0.0);
    QVERIFY(trained.arms[0].linear.pulls > 0);
  }

  void armScoresAreTheLinUcbScoresOfSparseContexts() { check_scores_match_the_policy(40, 9); }

  void armScoresAreTheLinUcbScoresOfDenseContexts() { check_scores_match_the_policy(13, 13); }

  void jsonTextIsWhatDumpWrites() {
    for (const std::string text : {"plain", "with \"quotes\" and \\", "tab\tnew\nline", "caf\u00e9 \u2603", ""}) {
      std::string out;
      append_json_string(out, text);
      QCOMPARE(out, nlohmann::json(text).dump());
    }
    for (const double number : {0.0, 0.9625, 1.0, 1.0 / 3.0, 1e-7, 123456789.0}) {
      std::string out;
      append_json_number(out, number);
      QCOMPARE(out, nlohmann::json(number).dump());
    }
    std::string out;
    append_json_number(out, -42LL);
    QCOMPARE(out, std::string("-42"));
  }

  // Every field as nlohmann::json would have written the line (the time aside), extra request
  // features left out, odd characters escaped.
  void impressionLinesAreTheJsonOfTheirRecord() {
    QTemporaryDir folder;
    const fs::path logs = folder.filePath("logs").toStdString();
    const nlohmann::json features{{"user", {{"f0", 0.5}, {"tag", "a\"b"}}}};
    {
      ImpressionWriter writer(logs, std::chrono::milliseconds(1000));
      writer.impression({"sh\"oes", "v1", "v1-x-1", 2, "p3", "sku-\u00e9", "home", 0.9625, &features, true});
      writer.click("sh\"oes", "v1-x-1");
    }
    std::ifstream in(logs / backdrop::bandit::impression_log_file_name("sh\"oes"));
    std::string impression, click;
    QVERIFY(std::getline(in, impression) && std::getline(in, click));
    auto line = nlohmann::json::parse(impression);
    QVERIFY(line["time"].is_string() && line["time"].get<std::string>().size() == 24);
    nlohmann::json expected{{"arm", 2},
                            {"arm_id", "p3"},
                            {"bundle", "v1"},
                            {"category", "sh\"oes"},
                            {"decision", "v1-x-1"},
                            {"event", "impression"},
                            {"fallback", true},
                            {"placement", "home"},
                            {"position", 0},
                            {"product", "sku-\u00e9"},
                            {"propensity", 0.9625},
                            {"time", line["time"]}};
    auto text = expected.dump();
    text.pop_back();
    QCOMPARE(impression, text + ",\"features\":" + features.dump() + "}");
    line = nlohmann::json::parse(click);
    expected = {
        {"category", "sh\"oes"}, {"decision", "v1-x-1"}, {"event", "click"}, {"position", 0}, {"time", line["time"]}};
    QCOMPARE(click, expected.dump());
  }

  void aContextWithExtraFeaturesLogsTheSchemasOnly() {
    const auto schema = synthetic_schema(4);
    auto context = synthetic_context(schema, 3);
    EncodedContext encoded;
    const ContextEncoder encoder(schema);
    encoder.encode(context, encoded);
    QVERIFY(encoded.features == &context);
    const auto exact = context;
    context["user"]["extra"] = "x";
    context["device"] = nlohmann::json::object();
    encoder.encode(context, encoded);
    QCOMPARE(*encoded.features, exact);
    QCOMPARE(encoded.vector, encode_context(schema, exact));
  }

  void logFileNamesAreSafe() {
    QCOMPARE(backdrop::bandit::impression_log_file_name("Home & Garden"), std::string("Home___Garden.jsonl"));
    QCOMPARE(backdrop::bandit::impression_log_file_name("../etc"), std::string("___etc.jsonl"));
    QCOMPARE(backdrop::bandit::impression_log_file_name(""), std::string("_.jsonl"));
  }

  void metricsRenderThePrometheusTextFormat() {
    ServingMetrics metrics;
    metrics.count_request("/v1/decide", 200);
    metrics.count_request("/v1/decide", 200);
    metrics.count_request("/v1/decide", 404);
    metrics.count_decision("shoes", false);
    metrics.count_decision("shoes", true);
    metrics.count_feedback("held", true);
    metrics.count_feedback("unmatched", false);
    metrics.observe_decide_seconds(0.0003);
    metrics.observe_decide_seconds(0.003);
    metrics.bundle_loaded("v\"1");
    metrics.bundle_load_failed();
    const auto text = metrics.render();
    for (const char* line :
         {"# TYPE backdrop_serve_requests_total counter\n",
          "backdrop_serve_requests_total{route=\"/v1/decide\",status=\"200\"} 2\n",
          "backdrop_serve_requests_total{route=\"/v1/decide\",status=\"404\"} 1\n",
          "backdrop_serve_decisions_total{category=\"shoes\"} 2\n",
          "backdrop_serve_latency_fallbacks_total{category=\"shoes\"} 1\n",
          "backdrop_serve_feedback_total{outcome=\"held\"} 1\n",
          "backdrop_serve_feedback_total{outcome=\"unmatched\"} 1\n", "backdrop_serve_clicks_logged_total 1\n",
          "backdrop_serve_bundle_info{version=\"v\\\"1\"} 1\n",
          "backdrop_serve_bundle_reloads_total{result=\"success\"} 1\n",
          "backdrop_serve_bundle_reloads_total{result=\"failure\"} 1\n",
          "# TYPE backdrop_serve_decide_seconds histogram\n",
          "backdrop_serve_decide_seconds_bucket{le=\"0.00025\"} 0\n",
          "backdrop_serve_decide_seconds_bucket{le=\"0.0005\"} 1\n",
          "backdrop_serve_decide_seconds_bucket{le=\"0.005\"} 2\n",
          "backdrop_serve_decide_seconds_bucket{le=\"+Inf\"} 2\n", "backdrop_serve_decide_seconds_count 2\n"}) {
      QVERIFY2(text.find(line) != std::string::npos, line);
    }
    QCOMPARE(metrics.requests("/v1/decide", 200), uint64_t{2});
  }

  void pendingDecisionsAreBoundedAndExpire() {
    using Clock = PendingDecisions::Clock;
    const auto t0 = Clock::now();
    PendingDecisions pending(3, std::chrono::seconds(10));
    for (int i = 0; i < 4; ++i) pending.add("d" + std::to_string(i), {nullptr, i, {}}, t0);
    QCOMPARE(pending.size(), std::size_t{3});
    QVERIFY(!pending.take("d0", t0));  // the oldest made room
    QCOMPARE(pending.take("d1", t0)->arm, 1);
    QVERIFY(!pending.take("d1", t0));                             // answered once
    QVERIFY(!pending.take("d2", t0 + std::chrono::seconds(11)));  // expired
    pending.add("d4", {nullptr, 4, {}}, t0 + std::chrono::seconds(11));
    QCOMPARE(pending.size(), std::size_t{1});  // d3 expired on insertion
    // Answered ids do not pile up while one old decision stays unanswered.
    for (int i = 0; i < 100; ++i) {
      pending.add("x" + std::to_string(i), {nullptr, 0, {}}, t0 + std::chrono::seconds(11));
      QVERIFY(pending.take("x" + std::to_string(i), t0 + std::chrono::seconds(11)));
    }
    QCOMPARE(pending.take("d4", t0 + std::chrono::seconds(12))->arm, 4);
  }

  void theWatcherSwapsBundlesAndKeepsServingThroughBadOnes() {
    QTemporaryDir folder;
    const fs::path target = folder.path().toStdString();
    SyntheticCategorySpec spec;
    // A loader that serves versions named "good-*" and fails on the others, like a corrupt bundle.
    int loads = 0;
    const BundleLoader loader = [&](const fs::path& version_folder) -> backdrop::exporting::Bundle {
      ++loads;
      const auto version = version_folder.filename().string();
      if (!version.starts_with("good")) throw std::runtime_error(version + ": manifest.json: bad hash");
      if (version_folder != target / "versions" / version) throw std::logic_error("wrong folder");
      return *bundle_of(version, spec);
    };
    DecisionEngine engine;
    ServingMetrics metrics;
    BundleWatcher watcher({target, std::chrono::milliseconds(5)}, engine, metrics, loader);

    QVERIFY(!watcher.poll_once());  // no CURRENT yet
    write_text(target / "CURRENT", "good-1\n");
    QVERIFY(watcher.poll_once());
    QCOMPARE(engine.bundle_version(), std::string("good-1"));
    QVERIFY(!watcher.poll_once());  // unchanged
    write_text(target / "CURRENT", "broken-2\n");
    QVERIFY(!watcher.poll_once());
    QVERIFY(!watcher.poll_once());  // not retried
    QCOMPARE(loads, 2);
    QCOMPARE(metrics.reload_failures(), uint64_t{1});
    QCOMPARE(engine.bundle_version(), std::string("good-1"));
    write_text(target / "CURRENT", "../../escape\n");
    QVERIFY(!watcher.poll_once());
    QCOMPARE(loads, 2);

    // In the background.
    watcher.start();
    write_text(target / "CURRENT", "good-3\n");
    for (int i = 0; i < 400 && engine.bundle_version() != "good-3"; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    watcher.stop();
    QCOMPARE(engine.bundle_version(), std::string("good-3"));
    QVERIFY(metrics.render().find("backdrop_serve_bundle_info{version=\"good-3\"} 1") != std::string::npos);
  }

 private:
  static int writer_file_count(const fs::path& folder) {
    int count = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(folder)) ++count;
    return count;
  }
};

QTEST_APPLESS_MAIN(ServingPartsTest)
#include "serving_parts_test.moc"
