// The backdrop-serve executable as an operator runs it: options, the listening line, a publish
// target that starts empty, a corrupt bundle that must not replace the serving one, and SIGTERM
// that stops it with the impression log flushed.

#include <QtTest>

#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/serving/synthetic_bundle.h"
#include "serve_process.h"
#include "support/test_data.h"

#include <httplib.h>  // after Eigen, see app/serve/serve_http.h

using namespace backdrop;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using test::Serve;
using test::start;
using test::stop;

int exit_code_of(const std::string& arguments) {
  const int status = std::system((BACKDROP_SERVE_EXECUTABLE " " + arguments + " > /dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Polls `path` until its body contains `text`.
bool eventually_answers(int port, const std::string& path, const std::string& text) {
  httplib::Client client("127.0.0.1", port);
  for (int i = 0; i < 300; ++i) {
    const auto result = client.Get(path.c_str());
    if (result && result->body.find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

json decide_body() {
  return {{"category", "shoes"},
          {"product", "sku-1"},
          {"placement", "home"},
          {"context", serving::synthetic_context(serving::synthetic_schema(4), 1)}};
}

std::vector<json> log_lines(const fs::path& file) {
  std::ifstream in(file);
  std::vector<json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  return lines;
}

}  // namespace

class ServeProcessTest : public QObject {
  Q_OBJECT

 private slots:
  void badOptionsExitWithAnError() {
    QVERIFY(exit_code_of("--listen 127.0.0.1:0") != 0);  // --bundles is required
    QVERIFY(exit_code_of("--bundles . --listen nonsense") != 0);
    QVERIFY(exit_code_of("--bundles . --listen 127.0.0.1:99999") != 0);
    QVERIFY(exit_code_of("--bundles . --listen 127.0.0.1:0 --threads 0") != 0);
    QCOMPARE(exit_code_of("--help"), 0);
  }

  void servesPublishesKeepsTheOldBundleOverACorruptOneAndStopsOnSigterm() {
    const auto dir = test::scratch_dir("serve-process");
    const auto target = dir / "target";
    fs::create_directories(target);
    // A flush interval longer than the test: the log lines reach the file only through the
    // flush at shutdown.
    auto serve = start("--bundles " + target.string() + " --log-dir " + (dir / "logs").string() +
                       " --watch-interval-ms 20 --log-flush-ms 60000");
    QVERIFY(serve.port > 0);
    httplib::Client client("127.0.0.1", serve.port);
    const auto empty = client.Get("/healthz");
    QVERIFY(empty);
    QCOMPARE(empty->status, 503);

    serving::SyntheticCategorySpec spec;
    const auto first = serving::publish_synthetic_bundle(target, spec);
    QVERIFY(eventually_answers(serve.port, "/healthz", first));

    // A bundle whose image does not match its manifest: counted, logged, not served.
    spec.prior_ctr = {0.1, 0.2, 0.3};
    const auto staging = dir / "staging";
    const auto corrupt = serving::write_synthetic_bundle(staging, spec).version;
    std::ofstream(fs::directory_iterator(staging / "images")->path(), std::ios::app) << "damage";
    fs::rename(staging, target / "versions" / corrupt);
    std::ofstream(target / "CURRENT.tmp") << corrupt << "\n";
    fs::rename(target / "CURRENT.tmp", target / "CURRENT");
    QVERIFY(eventually_answers(serve.port, "/metrics", "backdrop_serve_bundle_reloads_total{result=\"failure\"} 1"));
    const auto health = client.Get("/healthz");
    QVERIFY(health && health->status == 200);
    QVERIFY(health->body.find(first) != std::string::npos);

    const auto decided = client.Post("/v1/decide", decide_body().dump(), "application/json");
    QVERIFY(decided && decided->status == 200);
    const auto decision = json::parse(decided->body);
    QCOMPARE(decision.at("bundle").get<std::string>(), first);
    const auto feedback = client.Post(
        "/v1/feedback", json{{"decision", decision.at("decision")}, {"clicked", true}}.dump(), "application/json");
    QVERIFY(feedback && feedback->status == 200);

    QCOMPARE(stop(serve), 0);
    const auto lines = log_lines(dir / "logs" / "shoes.jsonl");
    QCOMPARE(lines.size(), std::size_t{2});
    QCOMPARE(lines[0].at("event").get<std::string>(), std::string("impression"));
    QCOMPARE(lines[0].at("decision"), decision.at("decision"));
    QCOMPARE(lines[1].at("event").get<std::string>(), std::string("click"));
  }
};

QTEST_APPLESS_MAIN(ServeProcessTest)
#include "serve_process_test.moc"
