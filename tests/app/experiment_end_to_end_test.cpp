// Issue #17 end to end, through the real executables: a project published with an experiment by
// `backdrop push --experiment`, served by two `backdrop-serve` processes on the same bundle,
// 20,000 decisions for 2,000 users with clicks drawn from known CTRs per group (seeded, so the run
// is the same every time), and `backdrop experiment report` recovering the true uplift of each
// group over the control within its 95% interval. The same user gets the same group from both
// processes and on every request.

#include <QtTest>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <regex>

#include <nlohmann/json.hpp>

#include "core/export/project_fixture.h"
#include "serve_process.h"
#include "support/test_data.h"

#include <httplib.h>  // after Eigen, see app/serve/serve_http.h

using namespace backdrop;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using test::run;
using test::Serve;
using test::start;
using test::stop;

constexpr int kUsers = 2000;
constexpr int kRounds = 10;  // decisions per user: 20,000 in all
// The true click-through rate of each group: the uplifts over the control "original" are +50% and
// +125%, large enough that 20,000 impressions give intervals that exclude 0.
const std::map<std::string, double> kTrueCtr{{"original", 0.04}, {"random", 0.06}, {"personalised", 0.09}};

Serve start_serve(const fs::path& target, const fs::path& logs) {
  return start("--bundles " + target.string() + " --log-dir " + logs.string() + " --watch-interval-ms 50");
}

// A project whose bags ship two products with real catalogue photos, two approved prompts, one
// image of each at the "square" placement.
void make_project(const fs::path& file) {
  auto project = Project::create(file);
  for (const auto& [id, photo] :
       {std::pair{"sku-1", "bags_01_navy_duffel.jpg"}, {"sku-2", "bags_02_gray_backpack.jpg"}})
    project.products().upsert({0, id, "bags", id, (test::product_data() / photo).string(), "", 0});
  project.placements().save({0, "square", 128, 128});
  const auto set =
      project.prompts().add_version("bags", "test", {{0, "a marble counter", "", ""}, {0, "a park bench", "", ""}});
  project.prompts().set_approval(set.id, Approval::approved, "test");
  for (const auto* product : {"sku-1", "sku-2"}) {
    for (const auto& prompt : set.prompts) {
      test::add_fixture_variant(project, product, prompt.id, "square", VariantStatus::approved,
                                cv::Scalar(40.0 * static_cast<double>(prompt.id), 120, 200));
    }
  }
}

void write_plan(const fs::path& file) {
  std::ofstream(file) << R"({"experiments": [{"id": "e2e", "salt": "e2e-salt", "category": "bags",
    "control": "original", "groups": [
      {"name": "original", "kind": "original", "share": 0.4},
      {"name": "random", "kind": "random-prompt", "share": 0.3},
      {"name": "personalised", "kind": "personalised", "share": 0.3}]}]})";
}

json decide_body(int user, int round) {
  static const char* kDevices[] = {"desktop", "mobile", "tablet"};
  return {{"category", "bags"},
          {"product", round % 2 == 0 ? "sku-1" : "sku-2"},
          {"placement", "square"},
          {"context",
           {{"user",
             {{"id", "user-" + std::to_string(user)},
              {"device", kDevices[user % 3]},
              {"segment", user % 2 == 0 ? "new" : "returning"}}},
            {"placement", {{"placement", "square"}}}}}};
}

// Uniform in [0, 1) from the generator's bits, the same with every standard library.
double unit(std::mt19937_64& random) {
  return static_cast<double>(random() >> 11) * 0x1.0p-53;
}

}  // namespace

class ExperimentEndToEndTest : public QObject {
  Q_OBJECT

 private slots:
  void pushServeClickAndReportRecoverTheUplift() {
    const auto dir = test::scratch_dir("experiment-e2e-" + std::to_string(getpid()));
    make_project(dir / "shop.backdrop");
    write_plan(dir / "plan.json");
    int code = 0;
    const auto pushed =
        run(std::string(BACKDROP_EXECUTABLE) + " push --project " + (dir / "shop.backdrop").string() + " --target " +
                (dir / "target").string() + " --experiment " + (dir / "plan.json").string() + " 2>&1",
            code);
    QVERIFY2(code == 0, pushed.c_str());
    QVERIFY2(pushed.find("experiment e2e on bags: original (original) 40% control") != std::string::npos,
             pushed.c_str());

    auto first = start_serve(dir / "target", dir / "logs");
    auto second = start_serve(dir / "target", dir / "logs-second");
    QVERIFY(first.port > 0 && second.port > 0);
    // One connection per request, as the other process tests do; a stalled request fails the
    // test within the timeout instead of hanging it.
    httplib::Client a("127.0.0.1", first.port), b("127.0.0.1", second.port);
    for (auto* client : {&a, &b}) {
      client->set_connection_timeout(10);
      client->set_read_timeout(30);
      client->set_write_timeout(30);
    }

    std::mt19937_64 random(17);
    std::map<int, std::string> group_of;
    std::map<std::string, int> decisions_per_group;
    for (int round = 0; round < kRounds; ++round) {
      for (int user = 0; user < kUsers; ++user) {
        const auto answer = a.Post("/v1/decide", decide_body(user, round).dump(), "application/json");
        QVERIFY2(answer && answer->status == 200, answer ? answer->body.c_str() : "no answer");
        const auto decision = json::parse(answer->body);
        const auto group = decision.at("group").get<std::string>();
        QCOMPARE(decision.at("experiment").get<std::string>(), std::string("e2e"));
        if (round == 0) group_of[user] = group;
        QCOMPARE(group, group_of[user]);  // sticky across requests
        ++decisions_per_group[group];
        const bool clicked = unit(random) < kTrueCtr.at(group);
        const auto feedback =
            a.Post("/v1/feedback", json{{"decision", decision.at("decision")}, {"clicked", clicked}}.dump(),
                   "application/json");
        QVERIFY(feedback && feedback->status == 200);
      }
    }
    // Another process on the same bundle puts every user in the same group.
    for (int user = 0; user < kUsers; ++user) {
      const auto answer = b.Post("/v1/decide", decide_body(user, 0).dump(), "application/json");
      QVERIFY(answer && answer->status == 200);
      QCOMPARE(json::parse(answer->body).at("group").get<std::string>(), group_of[user]);
    }
    QCOMPARE(stop(first), 0);
    QCOMPARE(stop(second), 0);
    QCOMPARE(decisions_per_group.size(), std::size_t{3});

    // The log lines carry the contract's fields.
    std::ifstream log(dir / "logs" / "bags.jsonl");
    std::string line;
    QVERIFY(std::getline(log, line));
    const auto impression = json::parse(line);
    QCOMPARE(impression.at("experiment").get<std::string>(), std::string("e2e"));
    QCOMPARE(impression.at("assignment").get<std::string>(), std::string("user"));
    QCOMPARE(impression.at("control").get<std::string>(), std::string("original"));
    QCOMPARE(impression.at("user").get<std::string>(), std::string("user-0"));

    const auto report_text = run(
        std::string(BACKDROP_EXECUTABLE) + " experiment report --logs " + (dir / "logs").string() + " --json", code);
    QVERIFY2(code == 0, report_text.c_str());
    const auto report = json::parse(report_text);
    QCOMPARE(report.at("experiments").size(), std::size_t{1});
    const auto& experiment = report.at("experiments")[0];
    QCOMPARE(experiment.at("experiment").get<std::string>(), std::string("e2e"));
    QCOMPARE(experiment.at("control").get<std::string>(), std::string("original"));
    int impressions = 0, users = 0;
    for (const auto& group : experiment.at("groups")) {
      const auto name = group.at("group").get<std::string>();
      impressions += group.at("impressions").get<int>();
      users += group.at("users").get<int>();
      QCOMPARE(group.at("impressions").get<int>(), decisions_per_group.at(name));
      if (name == "original") {
        QVERIFY(group.at("uplift").is_null());
        continue;
      }
      const double truth = kTrueCtr.at(name) / kTrueCtr.at("original") - 1.0;
      const auto interval = group.at("uplift_ci");
      const std::string what = name + ": true uplift " + std::to_string(truth) + ", estimate " +
                               group.at("uplift").dump() + ", interval " + interval.dump() + ", p " +
                               group.at("p_value").dump();
      qInfo("%s", what.c_str());
      QVERIFY2(interval[0].get<double>() <= truth && truth <= interval[1].get<double>(), what.c_str());
      QVERIFY2(interval[0].get<double>() > 0.0, what.c_str());  // informative: excludes no effect
      QVERIFY2(group.at("p_value").get<double>() < 0.05, what.c_str());
    }
    QCOMPARE(impressions, kUsers * kRounds);
    QCOMPARE(users, kUsers);
    QVERIFY(!experiment.at("sample_ratio").at("mismatch").get<bool>());
  }
};

QTEST_APPLESS_MAIN(ExperimentEndToEndTest)
#include "experiment_end_to_end_test.moc"
