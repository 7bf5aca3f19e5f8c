// backdrop-serve's HTTP API, served in-process on a loopback port and called with cpp-httplib's
// client: every route, and the bad inputs that must end in a JSON reason and never a crash.

#include <QtTest>

#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/serve/serve_http.h"
#include "core/serving/decision_engine.h"
#include "core/serving/impression_sink.h"
#include "core/serving/serving_metrics.h"
#include "core/serving/synthetic_bundle.h"

#include <httplib.h>  // after Eigen, see serve_http.h

using namespace backdrop;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxBody = 4096;

// Records impressions; throws from the next one when asked, to stand for a bug in a handler.
class TrippingSink final : public serving::ImpressionSink {
 public:
  std::atomic<bool> trip{false};
  std::atomic<int> impressions{0}, clicks{0};
  void impression(const serving::ImpressionRecord&) override {
    if (trip.exchange(false)) throw std::logic_error("sink tripped");
    ++impressions;
  }
  void click(std::string_view, std::string_view) override { ++clicks; }
  void unmatched_click(std::string_view, bool, std::string_view) override { ++unmatched; }
  std::atomic<int> unmatched{0};
};

std::shared_ptr<const exporting::Bundle> test_bundle() {
  serving::SyntheticCategorySpec spec;
  spec.policy.epsilon = 0.1;
  spec.policy.latency_budget_ms = 1000.0;
  auto bundle = std::make_shared<exporting::Bundle>();
  bundle->manifest.version = "20261126T020000Z-0123abcd";
  bundle->categories["shoes"] = serving::synthetic_category(spec);
  return bundle;
}

json decide_body(const std::string& product = "sku-1") {
  return {{"category", "shoes"},
          {"product", product},
          {"placement", "home"},
          {"context", serving::synthetic_context(serving::synthetic_schema(4), 3)}};
}

}  // namespace

class ServeHttpTest : public QObject {
  Q_OBJECT

 private:
  TrippingSink sink_;
  serving::DecisionEngine engine_{{}, &sink_};
  serving::ServingMetrics metrics_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;

  httplib::Result post(const std::string& path, const std::string& body) {
    httplib::Client client("127.0.0.1", port_);
    return client.Post(path.c_str(), body, "application/json");
  }
  httplib::Result get(const std::string& path) {
    httplib::Client client("127.0.0.1", port_);
    return client.Get(path.c_str());
  }
  // The answer must be `status` with a JSON error containing `reason`.
  static void expect_error(const httplib::Result& result, int status, const std::string& reason) {
    QVERIFY(result);
    QCOMPARE(result->status, status);
    QCOMPARE(result->get_header_value("Content-Type"), std::string("application/json"));
    const auto body = json::parse(result->body);
    QVERIFY2(body.at("error").get<std::string>().find(reason) != std::string::npos, result->body.c_str());
  }

 private slots:
  void initTestCase() {
    serve::configure_server(server_, engine_, metrics_, {kMaxBody, 4});
    port_ = server_.bind_to_any_port("127.0.0.1");
    QVERIFY(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 200 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    QVERIFY(server_.is_running());
  }

  void cleanupTestCase() {
    server_.stop();
    thread_.join();
  }

  void withoutABundleHealthAndDecisionsAre503() {
    expect_error(get("/healthz"), 503, "no bundle loaded");
    expect_error(post("/v1/decide", decide_body().dump()), 503, "no bundle loaded");
    engine_.load(test_bundle());
  }

  void healthzNamesTheBundle() {
    const auto result = get("/healthz");
    QVERIFY(result);
    QCOMPARE(result->status, 200);
    QCOMPARE(json::parse(result->body), (json{{"status", "ok"}, {"bundle", "20261126T020000Z-0123abcd"}}));
  }

  void decideThenFeedback() {
    const auto result = post("/v1/decide", decide_body().dump());
    QVERIFY(result);
    QCOMPARE(result->status, 200);
    const auto body = json::parse(result->body);
    QCOMPARE(body.size(), std::size_t{5});
    const auto arm = body.at("arm").get<std::string>();
    QCOMPARE(body.at("image").get<std::string>(), "images/sku-1-" + arm + "-home.jpg");
    QCOMPARE(body.at("bundle").get<std::string>(), std::string("20261126T020000Z-0123abcd"));
    const double propensity = body.at("propensity").get<double>();
    QVERIFY(propensity == 0.9 + 0.1 / 3 || propensity == 0.1 / 3);
    const auto decision = body.at("decision").get<std::string>();

    const auto clicked = post("/v1/feedback", json{{"decision", decision}, {"clicked", true}}.dump());
    QVERIFY(clicked);
    QCOMPARE(clicked->status, 200);
    QCOMPARE(json::parse(clicked->body), (json{{"category", "shoes"}, {"learned", true}, {"logged", true}}));
    QCOMPARE(sink_.clicks.load(), 1);
    // Answered before: logged again (counted once offline), not learned.
    const auto again = post("/v1/feedback", json{{"decision", decision}, {"clicked", true}}.dump());
    QVERIFY(again);
    QCOMPARE(again->status, 202);
    QCOMPARE(json::parse(again->body), (json{{"category", "shoes"}, {"learned", false}, {"logged", true}}));
    QCOMPARE(sink_.clicks.load(), 2);
    expect_error(post("/v1/feedback", json{{"decision", "nope"}, {"clicked", false}}.dump()), 422,
                 "not issued by this service");
    auto garbled = decision;
    garbled[0] = garbled[0] == 'x' ? 'y' : 'x';
    expect_error(post("/v1/feedback", json{{"decision", garbled}, {"clicked", true}}.dump()), 422,
                 "tag does not match");
    QCOMPARE(sink_.unmatched.load(), 2);
    QCOMPARE(sink_.clicks.load(), 2);
  }

  void badRequestsAnswerWithAReason() {
    expect_error(post("/v1/decide", "{\"category\": "), 400, "malformed JSON");
    expect_error(post("/v1/decide", "[1, 2]"), 400, "must be a JSON object");
    auto body = decide_body();
    body.erase("category");
    expect_error(post("/v1/decide", body.dump()), 400, "missing field 'category'");
    body = decide_body();
    body["product"] = 12;
    expect_error(post("/v1/decide", body.dump()), 400, "field 'product' must be a string");
    body = decide_body();
    body.erase("context");
    expect_error(post("/v1/decide", body.dump()), 400, "missing field 'context'");
    body = decide_body();
    body["context"] = "user=1";
    expect_error(post("/v1/decide", body.dump()), 400, "field 'context' must be an object");
    body = decide_body();
    body["context"]["user"].erase("f1");
    expect_error(post("/v1/decide", body.dump()), 400, "missing features: user.f1");
    expect_error(post("/v1/feedback", json{{"decision", "x"}, {"clicked", "yes"}}.dump()), 400,
                 "field 'clicked' must be true or false");
    expect_error(post("/v1/feedback", json{{"clicked", true}}.dump()), 400, "missing field 'decision'");
  }

  void unknownNamesAndRoutesAre404() {
    auto body = decide_body();
    body["category"] = "boots";
    expect_error(post("/v1/decide", body.dump()), 404, "unknown category 'boots'");
    expect_error(post("/v1/decide", decide_body("sku-404").dump()), 404, "no product 'sku-404'");
    body = decide_body();
    body["placement"] = "footer";
    expect_error(post("/v1/decide", body.dump()), 404, "no placement 'footer'");
    expect_error(get("/v2/nothing"), 404, "no such route");
    expect_error(get("/v1/decide"), 404, "no such route");
  }

  void oversizedBodiesAre413() {
    auto body = decide_body();
    body["padding"] = std::string(kMaxBody, 'x');
    expect_error(post("/v1/decide", body.dump()), 413, "too large");
  }

  void anExceptionInAHandlerIs500AndTheServerGoesOn() {
    sink_.trip = true;
    expect_error(post("/v1/decide", decide_body().dump()), 500, "sink tripped");
    const auto after = post("/v1/decide", decide_body().dump());
    QVERIFY(after);
    QCOMPARE(after->status, 200);
  }

  void metricsCountWhatHappened() {
    const std::vector<std::string> expected{"backdrop_serve_requests_total{route=\"/v1/decide\",status=\"200\"} 2\n",
                                            "backdrop_serve_requests_total{route=\"/v1/decide\",status=\"413\"} 1\n",
                                            "backdrop_serve_requests_total{route=\"/v1/decide\",status=\"500\"} 1\n",
                                            "backdrop_serve_requests_total{route=\"/v1/feedback\",status=\"200\"} 1\n",
                                            "backdrop_serve_requests_total{route=\"/v1/feedback\",status=\"202\"} 1\n",
                                            "backdrop_serve_requests_total{route=\"/v1/feedback\",status=\"422\"} 2\n",
                                            "backdrop_serve_requests_total{route=\"other\",status=\"404\"} 1\n",
                                            "backdrop_serve_decisions_total{category=\"shoes\"} 2\n",
                                            "backdrop_serve_feedback_total{outcome=\"held\"} 1\n",
                                            "backdrop_serve_feedback_total{outcome=\"not_held\"} 1\n",
                                            "backdrop_serve_feedback_total{outcome=\"unmatched\"} 2\n",
                                            "backdrop_serve_clicks_logged_total 2\n",
                                            "backdrop_serve_decide_seconds_count 2\n"};
    // Requests are counted once their answer is written, so the last one may still be counting.
    std::string text, missing;
    for (int attempt = 0; attempt < 100; ++attempt) {
      const auto result = get("/metrics");
      QVERIFY(result);
      QCOMPARE(result->status, 200);
      QVERIFY(result->get_header_value("Content-Type").starts_with("text/plain; version=0.0.4"));
      text = result->body;
      missing.clear();
      for (const auto& line : expected) {
        if (text.find(line) == std::string::npos) missing += line;
      }
      if (missing.empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    QVERIFY2(missing.empty(), missing.c_str());
  }
};

QTEST_APPLESS_MAIN(ServeHttpTest)
#include "serve_http_test.moc"
