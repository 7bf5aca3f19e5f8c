// The whole loop the push issue asks for: a project with approved variants -> publish -> serve on
// a loopback port (the bundle found through the publish target's CURRENT) -> decide and feedback
// over HTTP -> impression log -> import with the bundle's schema -> updated priors -> publish them
// -> the server switches to the new bundle and its greedy choice follows the clicks.

#include <QtTest>

#include <thread>

#include <nlohmann/json.hpp>

#include "app/serve/serve_http.h"
#include "core/bandit/impression_log.h"
#include "core/bandit/priors.h"
#include "core/export/bundle_reader.h"
#include "core/export/project_fixture.h"
#include "core/export/publisher.h"
#include "core/serving/bundle_watcher.h"
#include "core/serving/decision_engine.h"
#include "core/serving/impression_writer.h"
#include "core/serving/serving_metrics.h"
#include "support/test_data.h"

#include <httplib.h>  // after Eigen, see serve_http.h

using namespace backdrop;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Named like the impression log names features ("<source>.<name>"), so that the log the server
// writes imports with the bundle's schema.
bandit::FeatureSchema device_schema() {
  return bandit::FeatureSchema(
      {bandit::one_hot_feature("user.device", bandit::FeatureSource::user, {"desktop", "mobile", "tablet"}, false)});
}

exporting::BundleOptions bundle_options() {
  exporting::BundleOptions options;
  options.feature_schema = device_schema();
  options.policy.epsilon = 0.2;
  options.policy.latency_budget_ms = 1000.0;  // a busy test machine must not fall back
  return options;
}

// backdrop-serve's parts, in-process, on a loopback port.
struct Server {
  serving::ServingMetrics metrics;
  std::unique_ptr<serving::ImpressionWriter> writer;
  std::unique_ptr<serving::DecisionEngine> engine;
  std::unique_ptr<serving::BundleWatcher> watcher;
  httplib::Server http;
  std::thread thread;
  int port = 0;

  Server(const fs::path& target, const fs::path& logs) {
    writer = std::make_unique<serving::ImpressionWriter>(logs, std::chrono::milliseconds(20));
    engine = std::make_unique<serving::DecisionEngine>(serving::DecisionEngineOptions{}, writer.get());
    watcher = std::make_unique<serving::BundleWatcher>(
        serving::BundleWatcherOptions{target, std::chrono::milliseconds(10)}, *engine, metrics,
        [](const fs::path& folder) { return exporting::load_bundle(folder); });
    watcher->start();
    serve::configure_server(http, *engine, metrics, {});
    port = http.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { http.listen_after_bind(); });
  }
  ~Server() { stop(); }
  void stop() {
    if (!thread.joinable()) return;
    http.stop();
    thread.join();
    watcher->stop();
    writer.reset();  // flushes the log
  }
  bool wait_for_version(const std::string& version) {
    for (int i = 0; i < 500 && engine->bundle_version() != version; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return engine->bundle_version() == version;
  }
};

json decide_body(const std::string& device) {
  return {{"category", "bags"},
          {"product", "sku-1"},
          {"placement", "square"},
          {"context", {{"user", {{"device", device}}}}}};
}

}  // namespace

class ServeEndToEndTest : public QObject {
  Q_OBJECT

 private slots:
  void pushServeLearnAndPushAgain() {
    const auto dir = test::scratch_dir("serve-end-to-end");
    const auto target = dir / "target";
    const auto logs = dir / "logs";
    auto project = Project::create(dir / "shop.backdrop");
    const auto fixture = test::fill_export_project(project);
    const auto arm_a = "p" + std::to_string(fixture.prompt_a);
    const auto arm_b = "p" + std::to_string(fixture.prompt_b);
    const auto first = exporting::publish(project, bundle_options(), target);

    Server server(target, logs);
    QVERIFY(server.wait_for_version(first.version));
    httplib::Client client("127.0.0.1", server.port);
    const auto health = client.Get("/healthz");
    QVERIFY(health && health->status == 200);
    QCOMPARE(json::parse(health->body).at("bundle").get<std::string>(), first.version);

    // Mobile users click arm B, nobody clicks arm A.
    std::map<std::string, int> shown, clicks;
    const int rounds = 200;
    for (int i = 0; i < rounds; ++i) {
      const auto device = i % 2 ? "mobile" : "desktop";
      const auto answer = client.Post("/v1/decide", decide_body(device).dump(), "application/json");
      QVERIFY(answer);
      QCOMPARE(answer->status, 200);
      const auto decision = json::parse(answer->body);
      const auto arm = decision.at("arm").get<std::string>();
      QVERIFY(arm == arm_a || arm == arm_b);  // the two approved prompts with a square image of sku-1
      QVERIFY(fs::is_regular_file(first.folder / decision.at("image").get<std::string>()));
      const bool click = arm == arm_b && device == std::string("mobile");
      ++shown[arm];
      clicks[arm] += click;
      const auto feedback = client.Post(
          "/v1/feedback", json{{"decision", decision.at("decision")}, {"clicked", click}}.dump(), "application/json");
      QVERIFY(feedback && feedback->status == 200);
    }
    QVERIFY(clicks[arm_b] > 0);
    server.stop();

    // The log imports with the bundle's schema, every round of it.
    const auto served = exporting::load_bundle(first.folder).categories.at("bags");
    bandit::ImpressionLogOptions import;
    import.schema = served.priors.schema;
    const auto log = bandit::load_impression_log(logs / "bags.jsonl", import);
    QVERIFY(log.skipped.empty());
    QCOMPARE(log.feedback.size(), int64_t{rounds});
    double logged_clicks = 0.0;
    for (const double reward : log.feedback.reward) logged_clicks += reward;
    QCOMPARE(logged_clicks, static_cast<double>(clicks[arm_b]));

    // Updated priors: B learnt "mobile clicks", A learnt nothing but misses.
    auto trained = bandit::priors_from_logs(log.feedback, served.priors.schema, 2, &served.priors);
    const int a = served.arms[0].id == arm_a ? 0 : 1;
    const int b = 1 - a;
    const int mobile = 1;  // user.device_mobile
    QCOMPARE(trained.arms[static_cast<std::size_t>(b)].linear.b(mobile), static_cast<double>(clicks[arm_b]));
    QCOMPARE(trained.arms[static_cast<std::size_t>(a)].linear.b.norm(), 0.0);
    QCOMPARE(trained.arms[static_cast<std::size_t>(a)].linear.pulls, int64_t{shown[arm_a]});
    QCOMPARE(trained.arms[static_cast<std::size_t>(b)].linear.pulls, int64_t{shown[arm_b]});

    // Push the trained priors: the server switches and, with no online state carried over (the
    // priors changed), its greedy choice for mobile users is B from the first decision on.
    project.priors().add(
        {"bags", bandit::priors_to_json(trained).dump(), log.feedback.size(), log.clicks, {"bags.jsonl"}, "test"});
    Server second_server(target, dir / "logs-2");
    QVERIFY(second_server.wait_for_version(first.version));
    const auto second = exporting::publish(project, bundle_options(), target);
    QVERIFY(second.version != first.version);
    QVERIFY(second_server.wait_for_version(second.version));
    httplib::Client second_client("127.0.0.1", second_server.port);
    const auto answer = second_client.Post("/v1/decide", decide_body("mobile").dump(), "application/json");
    QVERIFY(answer && answer->status == 200);
    const auto decision = json::parse(answer->body);
    QCOMPARE(decision.at("bundle").get<std::string>(), second.version);
    const double greedy = 0.8 + 0.2 / 2, explored = 0.2 / 2;
    QCOMPARE(decision.at("propensity").get<double>(), decision.at("arm") == arm_b ? greedy : explored);
  }
};

QTEST_APPLESS_MAIN(ServeEndToEndTest)
#include "serve_end_to_end_test.moc"
