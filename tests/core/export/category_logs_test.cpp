// A category's click logs read against its approved prompts, and the priors learnt from them
// becoming the version push ships.

#include <QtTest>

#include <fstream>

#include "core/bandit/impression_log.h"
#include "core/export/bundle_plan.h"
#include "core/export/category_logs.h"
#include "project_fixture.h"

using namespace backdrop;
using namespace backdrop::exporting;

namespace {

using nlohmann::json;

std::string impression(const std::string& decision, int arm, const std::string& arm_id, const std::string& device,
                       const std::string& placement) {
  json line{{"event", "impression"}, {"category", "bags"}, {"decision", decision}, {"arm", arm}, {"propensity", 0.5}};
  if (!arm_id.empty()) line["arm_id"] = arm_id;
  line["features"] = {{"user", {{"device", device}, {"segment", "new"}}}, {"placement", {{"placement", placement}}}};
  return line.dump() + "\n";
}

std::string click(const std::string& decision) {
  return json{{"event", "click"}, {"category", "bags"}, {"decision", decision}}.dump() + "\n";
}

}  // namespace

class CategoryLogsTest : public QObject {
  Q_OBJECT

 private slots:
  // Arms are found by id whatever bundle served them (here B was arm 0 of an older bundle);
  // a line without an id counts by its index; a prompt no longer approved is left out.
  void servingLogsCountPerApprovedPrompt() {
    auto [dir, project, fixture] = test::make_export_project("export-category-logs");
    const auto a = arm_id_of(fixture.prompt_a), b = arm_id_of(fixture.prompt_b), c = arm_id_of(fixture.prompt_c);
    const auto file = dir / "bags.jsonl";
    std::ofstream(file) << impression("d1", 0, a, "mobile", "square") << impression("d2", 0, b, "mobile", "wide")
                        << click("d2") << impression("d3", 1, b, "desktop", "square") << click("d3")
                        << impression("d4", 1, "", "tablet", "square") << impression("d5", 2, c, "mobile", "square")
                        << click("d5") << "{not json\n";
    const auto logs = read_category_logs(project, "bags", {file});
    QCOMPARE(logs.arms.size(), std::size_t{2});
    QCOMPARE(logs.arms[0].prompt, std::string("a marble counter"));
    QCOMPARE(logs.impressions(), int64_t{4});
    QCOMPARE(logs.clicks(), int64_t{2});
    QCOMPARE(logs.tallies[0].impressions, int64_t{1});
    QCOMPARE(logs.tallies[0].clicks, int64_t{0});
    QCOMPARE(logs.tallies[1].impressions, int64_t{3});  // d2, d3 by id, d4 by index
    QCOMPARE(logs.tallies[1].clicks, int64_t{2});
    QCOMPARE(logs.other_arms_impressions, int64_t{1});
    QCOMPARE(logs.skipped.size(), std::size_t{1});
    QCOMPARE(logs.skipped[0].line, int64_t{9});
    // Encoded with what push ships: device, segment and the project's placements.
    QCOMPARE(logs.schema.dimension(), 3 + 2 + 2);
  }

  void learntPriorsAreWhatPushShips() {
    auto [dir, project, fixture] = test::make_export_project("export-category-priors");
    const auto a = arm_id_of(fixture.prompt_a), b = arm_id_of(fixture.prompt_b);
    const auto file = dir / "bags.jsonl";
    std::ofstream(file) << impression("d1", 0, a, "mobile", "square") << impression("d2", 1, b, "mobile", "wide")
                        << click("d2") << impression("d3", 1, b, "desktop", "square");
    QVERIFY(plan_bundle(project, {}).categories[0].priors_source.starts_with("uninformed"));
    const auto logs = read_category_logs(project, "bags", {file});
    const auto stored = update_priors_from_logs(project, logs, "ana");
    QCOMPARE(stored.version, 1);
    QCOMPARE(stored.impressions, int64_t{3});
    QCOMPARE(stored.clicks, int64_t{1});
    QCOMPARE(stored.logs, std::vector<std::string>{"bags.jsonl"});
    QVERIFY2(describe(stored).starts_with("version 1: 3 impressions, 1 clicks, 20"), describe(stored).c_str());

    const auto plan = plan_bundle(project, {});
    const auto& shipped = plan.categories[0].priors;
    const auto expected = bandit::priors_from_logs(logs.feedback, logs.schema, 2);
    QCOMPARE(plan.categories[0].priors_source, describe(stored));
    QCOMPARE(shipped.arms.size(), std::size_t{2});
    QCOMPARE(shipped.arms[0].id, a);
    QCOMPARE(shipped.arms[1].linear.pulls, int64_t{2});
    QCOMPARE(shipped.arms[1].linear.b, expected.arms[1].linear.b);
    QCOMPARE(shipped.arms[0].linear.reward_sum, 0.0);
    QCOMPARE(shipped.schema.dimension(), logs.schema.dimension());
    // The next read encodes with the schema the shipped priors carry.
    QCOMPARE(category_feature_schema(project, "bags").dimension(), shipped.schema.dimension());
  }

  // An Open Bandit Dataset CSV has item indices only: item k is the approved set's k-th prompt.
  void obdLogsCountByItemIndex() {
    auto [dir, project, fixture] = test::make_export_project("export-category-obd");
    const auto file = dir / "campaign.csv";
    std::ofstream(file) << ",timestamp,item_id,position,click,propensity_score,user_feature_0\n"
                        << "0,2019-11-24 00:00:01+00:00,0,1,0,0.3333,a\n"
                        << "1,2019-11-24 00:00:02+00:00,1,1,1,0.3333,b\n"
                        << "2,2019-11-24 00:00:03+00:00,2,1,1,0.3333,a\n"
                        << "3,2019-11-24 00:00:04+00:00,1,1,0,0.3333,b\n";
    const auto logs = read_category_logs(project, "bags", {file});
    QCOMPARE(logs.impressions(), int64_t{3});
    QCOMPARE(logs.other_arms_impressions, int64_t{1});  // item 2: the set has two prompts
    QCOMPARE(logs.tallies[0].impressions, int64_t{1});
    QCOMPARE(logs.tallies[1].impressions, int64_t{2});
    QCOMPARE(logs.tallies[1].clicks, int64_t{1});
    QCOMPARE(update_priors_from_logs(project, logs, "ana").impressions, int64_t{3});
  }

  void logsWithoutApprovedArmsTeachNothing() {
    auto [dir, project, fixture] = test::make_export_project("export-category-none");
    const auto file = dir / "bags.jsonl";
    std::ofstream(file) << impression("d1", 5, arm_id_of(fixture.prompt_c), "mobile", "square");
    const auto logs = read_category_logs(project, "bags", {file});
    QCOMPARE(logs.impressions(), int64_t{0});
    QVERIFY_THROWS_EXCEPTION(BundleError, update_priors_from_logs(project, logs, "ana"));
    QVERIFY(!project.priors().latest("bags"));
    QVERIFY_THROWS_EXCEPTION(BundleError, read_category_logs(project, "shoes", {file}));  // no approved set
    QVERIFY_THROWS_EXCEPTION(BundleError, read_category_logs(project, "bags", {file, dir / "obd.csv"}));
    QVERIFY_THROWS_EXCEPTION(bandit::LogError, read_category_logs(project, "bags", {dir / "missing.jsonl"}));
  }
};

QTEST_APPLESS_MAIN(CategoryLogsTest)
#include "category_logs_test.moc"
