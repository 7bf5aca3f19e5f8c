// Feedback that is never lost: decision ids that carry their category and bundle and reject
// garbled or forged copies, the key file replicas share, clicks written before feedback returns,
// and unmatched ids kept out of every category's log.

#include <QtTest>

#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/bandit/impression_log.h"
#include "core/serving/decision_engine.h"
#include "core/serving/decision_id.h"
#include "core/serving/impression_writer.h"
#include "core/serving/serving_errors.h"
#include "core/serving/synthetic_bundle.h"
#include "serving_test_bundles.h"
#include "support/test_data.h"

using namespace backdrop::serving;
using backdrop::serving::testing::bundle_of;
namespace fs = std::filesystem;

namespace {

const std::string kKey = "0123456789abcdef0123456789abcdef";

std::vector<nlohmann::json> lines_of(const fs::path& file) {
  std::ifstream in(file);
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

}  // namespace

class FeedbackTest : public QObject {
  Q_OBJECT

 private slots:
  void idsCarryTheirCategoryAndBundle() {
    const DecisionIds ids(kKey);
    for (const std::string category : {"shoes", "Home & Garden.x", "", "caf\u00e9/%2E"}) {
      const auto id = ids.issue(category, "20261126T020000Z-0123abcd", 0x9f1c2e3d4a5b6c7dULL, 17);
      const auto check = ids.check(id);
      QVERIFY2(check.parts, check.error.c_str());
      QCOMPARE(check.parts->category, category);
      QCOMPARE(check.parts->bundle_version, std::string("20261126T020000Z-0123abcd"));
      QCOMPARE(check.parts->unique, std::string("9f1c2e3d4a5b6c7d-17"));
    }
    const auto id = ids.issue("shoes", "v1", 1, 2);
    QVERIFY(id.starts_with("shoes.v1.0000000000000001-2."));
    QCOMPARE(id.size(), std::string("shoes.v1.0000000000000001-2.").size() + 16);
    QVERIFY(ids.issue("shoes", "v1", 1, 3) != id);
    QVERIFY(ids.issue("shoes", "v1", 2, 2) != id);
  }

  void garbledAndForgedIdsAreRejected() {
    const DecisionIds ids(kKey);
    const auto id = ids.issue("shoes", "20261126T020000Z-0123abcd", 42, 7);
    // Every single-character change, every truncation and every extension is caught.
    for (std::size_t at = 0; at < id.size(); ++at) {
      for (const char replacement : {'0', 'a', 'F', '.', '%', 'z'}) {
        if (id[at] == replacement) continue;
        auto garbled = id;
        garbled[at] = replacement;
        QVERIFY2(!ids.check(garbled).parts, garbled.c_str());
      }
      QVERIFY(!ids.check(id.substr(0, at)).parts);
    }
    QVERIFY(!ids.check(id + "0").parts);
    QVERIFY(!ids.check(id + ".").parts);
    QVERIFY(!ids.check("nope").parts);
    QVERIFY(!ids.check(std::string(kMaxDecisionIdLength + 1, 'a')).parts);
    QVERIFY(ids.check("shoes.v1.x-1.0123456789abcdef").error.find("unique") != std::string::npos);
    // The same id under another key: forged.
    const DecisionIds other("another key of sixteen bytes or more");
    const auto check = other.check(id);
    QVERIFY(!check.parts);
    QVERIFY2(check.error.find("tag does not match") != std::string::npos, check.error.c_str());
    QVERIFY(!other.check(ids.issue("shoes", "v1", 1, 1)).parts);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, DecisionIds("short"));
  }

  void replicasShareOneKeyFile() {
    const auto dir = backdrop::test::scratch_dir("serving-key");
    const auto file = decision_key_file(dir / "target");
    QCOMPARE(file, dir / "target" / "decision-ids.key");
    const auto first = load_or_create_key(file);  // creates target/ and the key
    QCOMPARE(first.size(), std::size_t{32});
    QCOMPARE(load_or_create_key(file), first);
    QCOMPARE(fs::status(file).permissions() & fs::perms::others_read, fs::perms::none);
    // Several processes starting at once agree on one key.
    fs::remove(file);
    std::vector<std::string> keys(8);
    std::vector<std::thread> starting;
    for (auto& key : keys) starting.emplace_back([&key, &file] { key = load_or_create_key(file); });
    for (auto& thread : starting) thread.join();
    for (const auto& key : keys) QCOMPARE(key, keys.front());
    QVERIFY(keys.front() != first);
    std::ofstream(dir / "bad.key") << "not a key\n";
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, load_or_create_key(dir / "bad.key"));
  }

  // Two engines on one key (two replicas, or one restarted): each logs the other's clicks, and
  // only the one that made a decision learns from it.
  void anotherEngineLogsTheClickButDoesNotLearn() {
    const auto dir = backdrop::test::scratch_dir("serving-feedback");
    SyntheticCategorySpec spec;
    DecisionEngineOptions options;
    options.id_key = kKey;
    ImpressionWriter log_a(dir / "a", std::chrono::milliseconds(60000));
    ImpressionWriter log_b(dir / "b", std::chrono::milliseconds(60000));
    DecisionEngine a(options, &log_a), b(options, &log_b);
    a.load(bundle_of("v1", spec));
    b.load(bundle_of("v1", spec));
    const auto context = synthetic_context(synthetic_schema(spec.features), 1);
    const auto decision = a.decide({"shoes", "sku-1", "home", context});
    const auto elsewhere = b.feedback(decision.id, true);
    QCOMPARE(elsewhere.outcome, FeedbackOutcome::not_held);
    QCOMPARE(elsewhere.category, std::string("shoes"));
    QVERIFY(elsewhere.logged && !elsewhere.learned);
    // Durable: in b's file as feedback() returns, though b flushes impressions once a minute.
    const auto b_lines = lines_of(dir / "b" / "shoes.jsonl");
    QCOMPARE(b_lines.size(), std::size_t{1});
    QCOMPARE(b_lines[0].at("event").get<std::string>(), std::string("click"));
    QCOMPARE(b_lines[0].at("decision").get<std::string>(), decision.id);

    const auto here = a.feedback(decision.id, true);
    QCOMPARE(here.outcome, FeedbackOutcome::held);
    QVERIFY(here.logged && here.learned);
    // a's click follows a's impression of it: the buffered lines are written first.
    const auto a_lines = lines_of(dir / "a" / "shoes.jsonl");
    QCOMPARE(a_lines.size(), std::size_t{2});
    QCOMPARE(a_lines[0].at("event").get<std::string>(), std::string("impression"));
    QCOMPARE(a_lines[1].at("event").get<std::string>(), std::string("click"));
    // No click, nothing logged.
    QVERIFY(!b.feedback(a.decide({"shoes", "sku-1", "home", context}).id, false).logged);

    // The forged id: its own file, never a category's.
    const auto forged = b.feedback("shoes.v1.0000000000000001-1.0123456789abcdef", true);
    QCOMPARE(forged.outcome, FeedbackOutcome::unmatched);
    QVERIFY(!forged.logged);
    QCOMPARE(lines_of(dir / "b" / "shoes.jsonl").size(), std::size_t{1});
    const auto unmatched = lines_of(dir / "b" / kUnmatchedClicksFile);
    QCOMPARE(unmatched.size(), std::size_t{1});
    QCOMPARE(unmatched[0].at("event").get<std::string>(), std::string("unmatched_click"));
    QCOMPARE(unmatched[0].at("decision").get<std::string>(),
             std::string("shoes.v1.0000000000000001-1.0123456789abcdef"));
    QCOMPARE(unmatched[0].at("clicked").get<bool>(), true);

    // Offline, both folders: one click on the one impression.
    log_a.flush();
    const auto log =
        backdrop::bandit::load_impression_logs(backdrop::bandit::impression_log_files({dir / "a", dir / "b"}, "shoes"));
    QCOMPARE(log.feedback.size(), int64_t{2});
    QCOMPARE(log.clicks, int64_t{1});
    QCOMPARE(log.repeated_clicks, int64_t{1});
    QVERIFY(log.unmatched_clicks.empty());
  }

  void anUnmatchedIdIsCutAtACharacterBoundary() {
    const auto dir = backdrop::test::scratch_dir("serving-unmatched");
    {
      ImpressionWriter writer(dir, std::chrono::milliseconds(60000));
      writer.unmatched_click(std::string(kMaxDecisionIdLength - 1, 'x') + "\u00e9\u00e9", false, "too long");
    }
    const auto lines = lines_of(dir / kUnmatchedClicksFile);  // parses: valid UTF-8
    QCOMPARE(lines.size(), std::size_t{1});
    QCOMPARE(lines[0].at("decision").get<std::string>(), std::string(kMaxDecisionIdLength - 1, 'x'));
  }

  void aClickThatCannotBeWrittenIsUnavailable() {
    const auto dir = backdrop::test::scratch_dir("serving-unwritable");
    ImpressionWriter writer(dir / "logs", std::chrono::milliseconds(60000));
    fs::create_directories(dir / "logs" / "shoes.jsonl");  // a folder where the file should be
    QVERIFY_THROWS_EXCEPTION(Unavailable, writer.click("shoes", "id"));
    fs::remove(dir / "logs" / "shoes.jsonl");
    writer.click("shoes", "id");  // reopened
    QCOMPARE(lines_of(dir / "logs" / "shoes.jsonl").size(), std::size_t{1});
  }
};

QTEST_APPLESS_MAIN(FeedbackTest)
#include "feedback_test.moc"
