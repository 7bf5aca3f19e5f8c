// Issue #19's "two servers": two backdrop-serve processes on one publish target, each with its own
// log folder, 2,000 decisions spread over both, a third of the feedback sent to the other replica,
// one replica restarted (SIGTERM, started again) in the middle, some clicks sent twice, and a
// forged and a garbled id. Every click must be in the logs, and the priors over both folders must
// count every click exactly once and nothing of the forged ones. Deterministic: the schedule is
// fixed, the servers are used once they print their listening line (the bundle is loaded by then),
// and every answer is checked against what the schedule makes it.

#include <QtTest>

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "core/bandit/impression_log.h"
#include "core/bandit/priors.h"
#include "core/serving/impression_writer.h"
#include "core/serving/synthetic_bundle.h"
#include "serve_process.h"
#include "support/test_data.h"

#include <httplib.h>  // after Eigen, see app/serve/serve_http.h

using namespace backdrop;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr int kDecisions = 2000;
constexpr int kRestartAt = 1000;  // replica A is restarted before this decision
constexpr int kLag = 150;         // feedback for decision j is sent after decision j + kLag

bool clicked(int j) {
  return j % 7 < 3;
}
bool sent_to_the_other_replica(int j) {
  return j % 3 == 0;
}
bool sent_twice(int j) {  // a client retrying: the second copy goes to the other replica
  return clicked(j) && j % 10 == 1;
}

json decide_body(const bandit::FeatureSchema& schema, int j) {
  return {{"category", "shoes"},
          {"product", j % 2 == 0 ? "sku-1" : "sku-2"},
          {"placement", j % 4 < 2 ? "home" : "search"},
          {"context", serving::synthetic_context(schema, static_cast<uint64_t>(j % 50))}};
}

// One backdrop-serve and the client that talks to it.
struct Replica {
  fs::path logs;
  test::Serve serve;
  int incarnation = 0;  // starts so far, minus one
  std::unique_ptr<httplib::Client> client;

  void start(const fs::path& target) {
    serve = test::start("--bundles " + target.string() + " --log-dir " + logs.string());
    client = std::make_unique<httplib::Client>("127.0.0.1", serve.port);
    // Kept alive, as a load balancer's connections are. TCP_NODELAY: cpp-httplib's client writes a
    // POST's headers and body in two send()s and by default leaves Nagle's algorithm on, so on a
    // kept-alive connection the body waits for the server's delayed ACK of the headers (40 ms on
    // Linux): this test took 184 s so, 2.4 s with TCP_NODELAY and 3.5 s with a connection per
    // request (a fresh connection ACKs at once). The "stalled" keep-alive client seen before.
    client->set_keep_alive(true);
    client->set_tcp_nodelay(true);
    // A stalled request fails the test instead of hanging it.
    client->set_connection_timeout(10);
    client->set_read_timeout(30);
  }
  void restart(const fs::path& target) {
    client.reset();
    QCOMPARE(test::stop(serve), 0);
    ++incarnation;
    start(target);
  }
};

struct Issued {
  std::string id;
  int replica;
  int incarnation;
  int arm;  // index of "p1".."pK"
};

std::vector<json> lines_of(const fs::path& file) {
  std::ifstream in(file);
  std::vector<json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  return lines;
}

}  // namespace

class ServeTwoReplicasTest : public QObject {
  Q_OBJECT

  fs::path target_;
  Replica replicas_[2];
  std::vector<Issued> issued_;
  // Expected, from the schedule.
  std::map<std::pair<int, int>, int> clicks_logged_by_;  // (replica, incarnation) -> click lines
  std::map<int, int> clicks_logged_in_;                  // replica -> click lines in its folder
  int repeated_ = 0;
  int answered_200_ = 0, answered_202_ = 0;

  // Feedback for decision j to `replica`; checks the answer the schedule implies.
  void send_feedback(int j, int to, bool first_time) {
    const auto& decision = issued_[static_cast<std::size_t>(j)];
    auto& replica = replicas_[to];
    const auto answer = replica.client->Post(
        "/v1/feedback", json{{"decision", decision.id}, {"clicked", clicked(j)}}.dump(), "application/json");
    QVERIFY2(answer, ("feedback " + std::to_string(j) + ": " + httplib::to_string(answer.error())).c_str());
    const bool held = first_time && decision.replica == to && decision.incarnation == replica.incarnation;
    QVERIFY2(answer->status == (held ? 200 : 202), (std::to_string(j) + ": " + answer->body).c_str());
    const auto body = json::parse(answer->body);
    QCOMPARE(body.at("category").get<std::string>(), std::string("shoes"));
    QCOMPARE(body.at("logged").get<bool>(), clicked(j));
    QCOMPARE(body.at("learned").get<bool>(), held);  // the synthetic policy learns online
    ++(held ? answered_200_ : answered_202_);
    if (clicked(j)) {
      ++clicks_logged_by_[{to, replica.incarnation}];
      ++clicks_logged_in_[to];
    }
  }

  void feedback_for(int j) {
    const int decided = issued_[static_cast<std::size_t>(j)].replica;
    send_feedback(j, sent_to_the_other_replica(j) ? 1 - decided : decided, true);
    if (sent_twice(j)) {
      send_feedback(j, 1 - decided, false);
      ++repeated_;
    }
  }

  void decide(const bandit::FeatureSchema& schema, int j) {
    const int to = j % 2;
    auto& replica = replicas_[to];
    const auto answer = replica.client->Post("/v1/decide", decide_body(schema, j).dump(), "application/json");
    QVERIFY2(answer, ("decide " + std::to_string(j) + ": " + httplib::to_string(answer.error())).c_str());
    QVERIFY2(answer->status == 200, answer->body.c_str());
    const auto body = json::parse(answer->body);
    const auto arm = body.at("arm").get<std::string>();
    issued_.push_back({body.at("decision").get<std::string>(), to, replica.incarnation, std::stoi(arm.substr(1)) - 1});
  }

 private slots:
  void everyClickIsLoggedAndCountedOnce() {
    const auto dir = test::scratch_dir("serve-two-replicas");
    target_ = dir / "target";
    serving::SyntheticCategorySpec spec;
    spec.policy.epsilon = 0.2;
    serving::publish_synthetic_bundle(target_, spec);
    const auto schema = serving::synthetic_category(spec).priors.schema;
    replicas_[0].logs = dir / "logs-a";
    replicas_[1].logs = dir / "logs-b";
    for (auto& replica : replicas_) {
      replica.start(target_);
      QVERIFY(replica.serve.port > 0);
    }

    for (int j = 0; j < kDecisions; ++j) {
      if (j == kRestartAt) {
        replicas_[0].restart(target_);
        if (QTest::currentTestFailed()) return;  // a failed stop leaves the replica without a client
      }
      QVERIFY(replicas_[0].serve.port > 0);
      decide(schema, j);
      if (QTest::currentTestFailed()) return;
      if (j >= kLag) feedback_for(j - kLag);
      if (QTest::currentTestFailed()) return;
    }
    for (int j = kDecisions - kLag; j < kDecisions; ++j) {
      feedback_for(j);
      if (QTest::currentTestFailed()) return;
    }

    // A forged id (a real one with another tag) and a garbled one (cut short), to replica B.
    auto forged = issued_[7].id;
    forged.replace(forged.size() - 16, 16,
                   forged.ends_with("0123456789abcdef") ? "fedcba9876543210" : "0123456789abcdef");
    const auto garbled = issued_[8].id.substr(0, issued_[8].id.size() - 3);
    for (const auto& id : {forged, garbled}) {
      const auto answer = replicas_[1].client->Post("/v1/feedback", json{{"decision", id}, {"clicked", true}}.dump(),
                                                    "application/json");
      QVERIFY(answer);
      QCOMPARE(answer->status, 422);
    }
    const auto metrics = replicas_[1].client->Get("/metrics");
    QVERIFY(metrics && metrics->status == 200);
    for (const auto& line :
         {std::string("backdrop_serve_feedback_total{outcome=\"unmatched\"} 2\n"),
          "backdrop_serve_clicks_logged_total " + std::to_string(clicks_logged_by_[{1, 0}]) + "\n"}) {
      QVERIFY2(metrics->body.find(line) != std::string::npos, (line + metrics->body).c_str());
    }
    for (auto& replica : replicas_) {
      replica.client.reset();
      QCOMPARE(test::stop(replica.serve), 0);
    }
    qInfo("%d answers 200 (held), %d answers 202 (logged, not held), %d clicks sent twice", answered_200_,
          answered_202_, repeated_);
    QVERIFY(answered_200_ > 0 && answered_202_ > kDecisions / 3);

    check_the_logs(forged, garbled);
    check_the_priors(schema, forged);
    check_the_command_line(dir);
  }

 private:
  std::set<std::string> clicked_ids() const {
    std::set<std::string> ids;
    for (int j = 0; j < kDecisions; ++j) {
      if (clicked(j)) ids.insert(issued_[static_cast<std::size_t>(j)].id);
    }
    return ids;
  }

  // Every impression once, every click line sent, each in the folder of the replica it reached.
  void check_the_logs(const std::string& forged, const std::string& garbled) {
    std::set<std::string> impressions;
    std::multiset<std::string> clicks;
    for (int r = 0; r < 2; ++r) {
      int click_lines = 0;
      for (const auto& line : lines_of(replicas_[r].logs / "shoes.jsonl")) {
        const auto decision = line.at("decision").get<std::string>();
        QVERIFY(decision != forged && decision != garbled);
        if (line.at("event") == "impression") {
          QVERIFY(impressions.insert(decision).second);
        } else {
          clicks.insert(decision);
          ++click_lines;
        }
      }
      QCOMPARE(click_lines, clicks_logged_in_[r]);
    }
    QCOMPARE(impressions.size(), std::size_t{kDecisions});
    for (const auto& issued : issued_) QVERIFY(impressions.count(issued.id));
    QCOMPARE(clicks.size(), clicked_ids().size() + static_cast<std::size_t>(repeated_));
    for (const auto& id : clicked_ids()) QVERIFY(clicks.count(id) >= 1);

    const auto unmatched = lines_of(replicas_[1].logs / serving::kUnmatchedClicksFile);
    QCOMPARE(unmatched.size(), std::size_t{2});
    QCOMPARE(unmatched[0].at("decision").get<std::string>(), forged);
    QCOMPARE(unmatched[1].at("decision").get<std::string>(), garbled);
    QVERIFY(!fs::exists(replicas_[0].logs / serving::kUnmatchedClicksFile));
  }

  void check_the_priors(const bandit::FeatureSchema& schema, const std::string& forged) {
    bandit::ImpressionLogOptions options;
    options.schema = schema;
    const auto files = bandit::impression_log_files({replicas_[0].logs, replicas_[1].logs}, "shoes");
    QCOMPARE(files.size(), std::size_t{2});
    const auto log = bandit::load_impression_logs(files, options);
    QVERIFY(log.skipped.empty());
    QVERIFY(log.unmatched_clicks.empty());
    QCOMPARE(log.feedback.size(), int64_t{kDecisions});
    QCOMPARE(log.clicks, static_cast<int64_t>(clicked_ids().size()));
    QCOMPARE(log.repeated_clicks, int64_t{repeated_});
    std::map<std::string, int> index;
    for (int j = 0; j < kDecisions; ++j) index[issued_[static_cast<std::size_t>(j)].id] = j;
    QVERIFY(!index.count(forged));
    std::vector<double> clicks_per_arm(3, 0.0), shown_per_arm(3, 0.0);
    for (std::size_t row = 0; row < log.decision.size(); ++row) {
      const int j = index.at(log.decision[row]);
      QCOMPARE(log.feedback.reward[row], clicked(j) ? 1.0 : 0.0);
      QCOMPARE(log.feedback.action[row], issued_[static_cast<std::size_t>(j)].arm);
      clicks_per_arm[static_cast<std::size_t>(log.feedback.action[row])] += log.feedback.reward[row];
      shown_per_arm[static_cast<std::size_t>(log.feedback.action[row])] += 1.0;
    }
    const auto priors = bandit::priors_from_logs(log.feedback, schema, 3);
    double clicks = 0.0;
    for (std::size_t k = 0; k < 3; ++k) {
      QCOMPARE(priors.arms[k].linear.reward_sum, clicks_per_arm[k]);
      QCOMPARE(static_cast<double>(priors.arms[k].linear.pulls), shown_per_arm[k]);
      QCOMPARE(priors.arms[k].beta_alpha, 1.0 + clicks_per_arm[k]);
      clicks += priors.arms[k].linear.reward_sum;
    }
    QCOMPARE(clicks, static_cast<double>(clicked_ids().size()));

    // One folder alone: the clicks it logged for the other replica's decisions find no impression.
    const auto alone = bandit::load_impression_logs({replicas_[0].logs / "shoes.jsonl"}, options);
    std::size_t foreign = 0;
    for (const auto& line : lines_of(replicas_[0].logs / "shoes.jsonl")) {
      if (line.at("event") == "click" &&
          issued_[static_cast<std::size_t>(index.at(line.at("decision").get<std::string>()))].replica == 1)
        ++foreign;
    }
    QVERIFY(foreign > 0);
    QCOMPARE(alone.unmatched_clicks.size(), foreign);
  }

  // `backdrop bandit train` over both folders counts the same clicks.
  void check_the_command_line(const fs::path& dir) {
    int code = 0;
    const auto output = test::run(std::string(BACKDROP_EXECUTABLE) + " bandit train --logs " +
                                      replicas_[0].logs.string() + " " + replicas_[1].logs.string() +
                                      " --category shoes --out " + (dir / "priors.json").string() + " 2>&1",
                                  code);
    QVERIFY2(code == 0, output.c_str());
    const auto expected = "from " + std::to_string(kDecisions) + " logged rounds with " +
                          std::to_string(clicked_ids().size()) + " clicks";
    QVERIFY2(output.find(expected) != std::string::npos, output.c_str());
    QVERIFY2(output.find(std::to_string(repeated_) + " repeated clicks counted once") != std::string::npos,
             output.c_str());
  }
};

QTEST_APPLESS_MAIN(ServeTwoReplicasTest)
#include "serve_two_replicas_test.moc"
