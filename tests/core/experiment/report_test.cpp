// Reading serving logs into experiment impressions (click join, attribution window, bad lines) and
// the report on a case computed by hand.

#include <QtTest>

#include <QTemporaryDir>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "check_close.h"
#include "core/experiment/experiment_log.h"
#include "core/experiment/experiment_report.h"

using namespace backdrop::experiment;
namespace fs = std::filesystem;

namespace {

std::string impression(const std::string& decision, const std::string& group, const std::string& user,
                       const std::string& time) {
  nlohmann::json line{{"event", "impression"},
                      {"decision", decision},
                      {"arm", 0},
                      {"category", "apparel"},
                      {"placement", "square"},
                      {"propensity", 1.0},
                      {"time", time},
                      {"experiment", "e1"},
                      {"group", group},
                      {"group_kind", group == "A" ? "original" : "personalised"},
                      {"group_share", 0.5},
                      {"control", "A"},
                      {"assignment", "user"},
                      {"user", user}};
  return line.dump();
}

std::string click(const std::string& decision, const std::string& time) {
  return nlohmann::json{{"event", "click"}, {"decision", decision}, {"position", 0}, {"time", time}}.dump();
}

void write_lines(const fs::path& path, const std::vector<std::string>& lines) {
  std::ofstream out(path);
  for (const auto& line : lines) out << line << "\n";
}

ExperimentImpression row(const std::string& group, const std::string& user, bool clicked) {
  static int decision = 0;
  ExperimentImpression impression;
  impression.experiment = "e1";
  impression.group = group;
  impression.group_kind = group == "A" ? "original" : "personalised";
  impression.control = "A";
  impression.category = "apparel";
  impression.placement = "square";
  impression.decision = "d" + std::to_string(++decision);
  impression.user = user;
  impression.assigned_by_user = true;
  impression.group_share = 0.5;
  impression.clicked = clicked;
  return impression;
}

// `impressions` impressions of `user` in `group`, the first `clicks` of them clicked.
void add_user(std::vector<ExperimentImpression>& rows, const std::string& group, const std::string& user,
              int impressions, int clicks) {
  for (int i = 0; i < impressions; ++i) rows.push_back(row(group, user, i < clicks));
}

// The hand-computed case (see report_numbers_by_hand).
std::vector<ExperimentImpression> hand_case() {
  std::vector<ExperimentImpression> rows;
  add_user(rows, "A", "a1", 2, 1);
  add_user(rows, "A", "a2", 2, 0);
  add_user(rows, "A", "a3", 1, 0);
  add_user(rows, "A", "a4", 3, 1);
  for (const auto* user : {"b1", "b2", "b4"}) add_user(rows, "B", user, 2, 1);
  add_user(rows, "B", "b3", 2, 0);
  return rows;
}

}  // namespace

class ReportTest : public QObject {
  Q_OBJECT

 private slots:
  void parses_utc_times() {
    QCOMPARE(parse_utc_time("1970-01-02T00:00:01Z").value(), 86401.0);
    check_close(parse_utc_time("2026-12-01T00:00:00.250Z").value(), 1796083200.25, 1e-6);
    QVERIFY(!parse_utc_time("2026-12-01 00:00:00"));
    QVERIFY(!parse_utc_time("2026-13-01T00:00:00Z"));
    QVERIFY(!parse_utc_time("2026-12-01T00:00:00Zjunk"));
    QCOMPARE(format_utc_time(1796083200.25), std::string("2026-12-01T00:00:00.250Z"));
  }

  void joins_clicks_within_the_window_and_reports_bad_lines() {
    QTemporaryDir folder;
    const fs::path logs = folder.path().toStdString();
    write_lines(logs / "apparel.jsonl",
                {impression("d1", "A", "u1", "2026-12-01T10:00:00.000Z"),
                 click("d1", "2026-12-01T10:01:00.000Z"),  // 1 minute later: counts
                 impression("d2", "A", "u1", "2026-12-01T10:00:00.000Z"),
                 click("d2", "2026-12-02T11:00:00.000Z"),  // 25 hours later: late
                 impression("d3", "B", "u2", "2026-12-01T10:00:00.000Z"),
                 "{not json",  // line 6
                 R"({"event":"impression","decision":"d9","arm":0,"propensity":1,"time":"2026-12-01T10:00:00Z"})",
                 click("nope", "2026-12-01T10:00:00.000Z"),                // unmatched
                 impression("d1", "B", "u3", "2026-12-01T10:00:00.000Z"),  // line 9: twice
                 R"({"event":"impression","decision":"d5","experiment":"e1","time":"2026-12-01T10:00:00Z"})"});
    write_lines(logs / "shoes.jsonl",
                {impression("d4", "B", "u4", "2026-12-01T12:00:00.000Z"), click("d4", "2026-12-01T12:00:05.000Z")});
    write_lines(logs / "notes.txt", {"{not json"});  // not a log: not read

    const auto log = load_experiment_log(logs);
    QCOMPARE(log.files, int64_t{2});
    QCOMPARE(log.impressions.size(), std::size_t{4});
    QCOMPARE(log.impressions_outside_experiments, int64_t{1});
    QCOMPARE(log.late_clicks, int64_t{1});
    QCOMPARE(log.unmatched_clicks, int64_t{1});
    QVERIFY(log.impressions[0].clicked);
    QVERIFY(!log.impressions[1].clicked);
    QVERIFY(!log.impressions[2].clicked);
    QVERIFY(log.impressions[3].clicked);
    QCOMPARE(log.impressions[3].user, std::string("u4"));
    QCOMPARE(log.skipped.size(), std::size_t{3});
    QCOMPARE(log.skipped[0].line, int64_t{6});
    QCOMPARE(log.skipped[0].file.filename().string(), std::string("apparel.jsonl"));
    QCOMPARE(log.skipped[1].line, int64_t{9});
    QVERIFY(log.skipped[1].message.find("logged twice") != std::string::npos);
    QCOMPARE(log.skipped[2].line, int64_t{10});
    QVERIFY(log.skipped[2].message.find("'group'") != std::string::npos);

    ExperimentLogOptions wider;
    wider.attribution_window_hours = 26;
    const auto wide = load_experiment_log(logs, wider);
    QVERIFY(wide.impressions[1].clicked);
    QCOMPARE(wide.late_clicks, int64_t{0});
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, load_experiment_log(logs / "missing"));
  }

  // Two replicas' folders: a click logged by the replica that did not show the impression joins it.
  void joins_clicks_across_replicas_folders() {
    QTemporaryDir folder;
    const fs::path a = fs::path(folder.path().toStdString()) / "a", b = fs::path(folder.path().toStdString()) / "b";
    fs::create_directories(a);
    fs::create_directories(b);
    write_lines(a / "apparel.jsonl",
                {click("d2", "2026-12-01T10:01:00.000Z"), impression("d1", "A", "u1", "2026-12-01T10:00:00.000Z")});
    write_lines(b / "apparel.jsonl",
                {impression("d2", "B", "u2", "2026-12-01T10:00:00.000Z"), click("d1", "2026-12-01T10:02:00.000Z"),
                 click("d1", "2026-12-01T10:03:00.000Z")});
    const auto both = load_experiment_logs({a, b});
    QCOMPARE(both.files, int64_t{2});
    QCOMPARE(both.impressions.size(), std::size_t{2});
    QVERIFY(both.impressions[0].clicked && both.impressions[1].clicked);
    QCOMPARE(both.unmatched_clicks, int64_t{0});
    QCOMPARE(load_experiment_log(a).unmatched_clicks, int64_t{1});
  }

  // A: users (impressions, clicks) (2,1) (2,0) (1,0) (3,1): CTR 2/8 = 0.25; residuals 0.5, -0.5,
  //    -0.25, 0.25; Var = 0.625 / (4 * 3 * 2^2) = 0.0130208 (below the binomial 0.0234375, so the
  //    CTR interval is Wilson's for 2 of 8: [0.071479, 0.590725]).
  // B: (2,1) x 3 and (2,0): CTR 3/8 = 0.375; residuals 0.25 x 3 and -0.75; Var = 0.75 / 48 = 0.015625
  //    (binomial 0.0292969: Wilson for 3 of 8, [0.136844, 0.694258]).
  // Uplift 0.375 / 0.25 - 1 = 0.5; se of the log ratio sqrt(0.015625 / 0.375^2 + 0.0130208 / 0.25^2)
  //    = sqrt(0.111111 + 0.208333) = 0.565194; interval exp(ln 1.5 -+ 1.959964 * 0.565194) - 1 =
  //    [-0.504553, 3.541355]; p = 2 Phi(-0.405465 / 0.565194) = 0.473133.
  // Sample ratio: 4 users each, planned 50/50: chi-square 0, p 1.
  void report_numbers_by_hand() {
    ReportOptions options;
    options.bootstrap_resamples = 200;
    const auto rows = hand_case();
    const auto report = build_experiment_report(rows, options);
    QCOMPARE(report.experiments.size(), std::size_t{1});
    const auto& slice = report.experiments.front();
    QCOMPARE(slice.control, std::string("A"));
    QVERIFY(!slice.category && !slice.placement);
    QCOMPARE(slice.groups.size(), std::size_t{2});
    const auto& a = slice.groups[0];
    const auto& b = slice.groups[1];
    QCOMPARE(a.group, std::string("A"));
    QVERIFY(a.control && !a.uplift && !a.p_value);
    QCOMPARE(a.users, int64_t{4});
    QCOMPARE(a.impressions, int64_t{8});
    QCOMPARE(a.clicks, int64_t{2});
    check_close(a.ctr_ci.low, 0.071479212752109, 1e-9);
    check_close(a.ctr_ci.high, 0.5907245696898311, 1e-9);
    QCOMPARE(b.clicks, int64_t{3});
    check_close(b.ctr, 0.375, 1e-15);
    check_close(b.ctr_ci.low, 0.13684428582359737, 1e-9);
    check_close(b.ctr_ci.high, 0.6942576053973728, 1e-9);
    check_close(b.uplift.value(), 0.5, 1e-12);
    check_close(b.uplift_ci->low, -0.5045531022986433, 1e-9);
    check_close(b.uplift_ci->high, 3.5413545032554525, 1e-9);
    check_close(b.p_value.value(), 0.4731329797001353, 1e-9);
    QVERIFY(b.uplift_bootstrap_ci);
    QVERIFY(b.minimum_detectable_uplift.value() > 1.0);  // 8 impressions a group detect only huge effects
    QCOMPARE(slice.sample_ratio_unit, std::string("users"));
    QCOMPARE(slice.sample_ratio.chi_square, 0.0);
    QCOMPARE(slice.sample_ratio.p_value, 1.0);
  }

  void json_has_the_contract_fields() {
    ReportOptions options;
    options.bootstrap_resamples = 0;
    const auto rows = hand_case();
    const auto json = report_json(build_experiment_report(rows, options));
    QCOMPARE(json["attribution_window_hours"].get<double>(), 24.0);
    QCOMPARE(json["confidence"].get<double>(), 0.95);
    const auto& slice = json["experiments"][0];
    QCOMPARE(slice["experiment"].get<std::string>(), std::string("e1"));
    QVERIFY(slice["category"].is_null() && slice["placement"].is_null());
    QCOMPARE(slice["control"].get<std::string>(), std::string("A"));
    const auto& control = slice["groups"][0];
    for (const auto* key : {"uplift", "uplift_ci", "uplift_bootstrap_ci", "p_value"}) QVERIFY(control[key].is_null());
    const auto& b = slice["groups"][1];
    QCOMPARE(b["group"].get<std::string>(), std::string("B"));
    QCOMPARE(b["kind"].get<std::string>(), std::string("personalised"));
    QCOMPARE(b["planned_share"].get<double>(), 0.5);
    QCOMPARE(b["users"].get<int>(), 4);
    QCOMPARE(b["impressions"].get<int>(), 8);
    QCOMPARE(b["clicks"].get<int>(), 3);
    QCOMPARE(b["ctr_ci"].size(), std::size_t{2});
    check_close(b["uplift_ci"][1].get<double>(), 3.5413545032554525, 1e-9);
    QVERIFY(b["uplift_bootstrap_ci"].is_null());  // no resamples asked for
    QVERIFY(b.contains("minimum_detectable_uplift"));
    QVERIFY(b.contains("sample_size_for_effect"));
    const auto& ratio = slice["sample_ratio"];
    QCOMPARE(ratio["unit"].get<std::string>(), std::string("users"));
    QVERIFY(!ratio["mismatch"].get<bool>());
  }

  void by_placement_splits_and_control_can_be_chosen() {
    auto rows = hand_case();
    rows[0].placement = "wide";
    ReportOptions options;
    options.by_placement = true;
    options.by_category = true;
    options.control = "B";
    options.bootstrap_resamples = 0;
    const auto report = build_experiment_report(rows, options);
    QCOMPARE(report.experiments.size(), std::size_t{2});
    QCOMPARE(report.experiments[0].placement.value(), std::string("square"));
    QCOMPARE(report.experiments[0].category.value(), std::string("apparel"));
    QCOMPARE(report.experiments[1].placement.value(), std::string("wide"));
    QCOMPARE(report.experiments[0].groups.front().group, std::string("B"));
    // "wide" holds one impression of A and none of B: no control there, no uplift, and the
    // missing half of the plan shows as a mismatch-sized chi-square (1 user against 0.5 expected).
    const auto& wide = report.experiments[1];
    QVERIFY(!wide.control_present);
    QVERIFY(!wide.groups.front().uplift);
    check_close(wide.sample_ratio.chi_square, 1.0, 1e-12);
  }

  // Requests without a user id: every impression its own unit, the sample ratio counted in
  // impressions (A 8, B 8 of the hand case: chi-square 0), no users.
  void unassigned_impressions_are_their_own_units() {
    auto rows = hand_case();
    for (auto& impression : rows) {
      impression.assigned_by_user = false;
      impression.user.clear();
    }
    rows.pop_back();  // B: 7 impressions, 3 clicks
    ReportOptions options;
    options.bootstrap_resamples = 0;
    const auto report = build_experiment_report(rows, options);
    const auto& slice = report.experiments.front();
    QCOMPARE(slice.sample_ratio_unit, std::string("impressions"));
    QCOMPARE(slice.groups[0].users, int64_t{0});
    // 8 against 7 impressions planned 50/50: expected 7.5 each, chi-square 2 * 0.25 / 7.5.
    check_close(slice.sample_ratio.chi_square, 0.5 / 7.5, 1e-12);
    // One impression a unit: A's Var = R(1 - R)/(k - 1) = 0.25 * 0.75 / 7, 8/7 of the binomial, so
    // its CTR interval is Wilson's on 8 / (8/7) = 7 effective impressions with 1.75 clicks.
    const auto expected = wilson_interval(1.75, 7.0);
    check_close(slice.groups[0].ctr_ci.low, expected.low, 1e-12);
    check_close(slice.groups[0].ctr_ci.high, expected.high, 1e-12);
  }

  void csv_and_text_forms() {
    ReportOptions options;
    options.bootstrap_resamples = 0;
    const auto rows = hand_case();
    const auto report = build_experiment_report(rows, options);
    const auto csv = report_csv(report);
    QCOMPARE(std::count(csv.begin(), csv.end(), '\n'), 3L);
    QVERIFY(csv.rfind("experiment,category,placement,control,group,", 0) == 0);
    QVERIFY(csv.find("\ne1,,,A,B,personalised,0.5,4,8,3,0.375,") != std::string::npos);
    const auto text = report_text(report);
    QVERIFY(text.find("experiment e1  control A") != std::string::npos);
    QVERIFY(text.find("+50.0% [-50.5%, +354.1%]") != std::string::npos);
    QVERIFY(text.find("sample ratio (users): chi-square 0.000") != std::string::npos);
  }
};

QTEST_APPLESS_MAIN(ReportTest)
#include "report_test.moc"
