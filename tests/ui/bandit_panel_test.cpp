// The Bandit tab on real data, through its widgets: the arms are a category's approved prompts,
// an imported serving log gives each its impressions, clicks, CTR interval and share; "Update
// Priors from These Logs" stores the version push ships; the what-if simulation says what it is;
// the offline evaluation gives a verdict on the imported log. Screenshots of the arms and of the
// verdict go to BACKDROP_SCREENSHOT_DIR when it is set.

#include <QtTest>

#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/bandit/random.h"
#include "core/export/bundle_plan.h"
#include "studio_test_project.h"
#include "ui/bandit_evaluation_view.h"
#include "ui/bandit_panel.h"

using namespace backdrop;
using backdrop::ui::BanditPanel;

namespace {

// A project with bags (two approved prompts), shoes (one) and belts (a draft only).
std::filesystem::path makeProject(const std::filesystem::path& dir) {
  const auto file = dir / "shop.backdrop";
  auto project = Project::create(file);
  for (const auto& [id, category] : {std::pair{"b1", "bags"}, {"b2", "bags"}, {"s1", "shoes"}, {"t1", "belts"}}) {
    project.products().upsert({0, id, category, std::string("Product ") + id, "", "", 0});
  }
  const auto bags = project.prompts().add_version(
      "bags", "ana", {{0, "a marble counter in soft light", "", ""}, {0, "a park bench under autumn trees", "", ""}});
  project.prompts().set_approval(bags.id, Approval::approved, "ana");
  const auto shoes = project.prompts().add_version("shoes", "ana", {{0, "a running track", "", ""}});
  project.prompts().set_approval(shoes.id, Approval::approved, "ana");
  project.prompts().add_version("belts", "ana", {{0, "a leather workshop", "", ""}});
  return file;
}

// backdrop-serve's format: a uniform logger over the two bag prompts; the bench is clicked by
// 12% of mobile users, everything else by 3%.
void writeServingLog(const std::filesystem::path& file, Project& project, int impressions) {
  const auto arms = exporting::approved_arms(project, "bags");
  std::ofstream out(file);
  bandit::Random random(5);
  for (int i = 0; i < impressions; ++i) {
    const int arm = random.below(2);
    const bool mobile = random.uniform() < 0.5;
    const std::string decision = "d-" + std::to_string(i);
    nlohmann::json line{{"event", "impression"},
                        {"category", "bags"},
                        {"decision", decision},
                        {"arm", arm},
                        {"arm_id", arms[static_cast<std::size_t>(arm)].id},
                        {"propensity", 0.5},
                        {"placement", "square"}};
    line["features"] = {{"user", {{"device", mobile ? "mobile" : "desktop"}, {"segment", "new"}}},
                        {"placement", {{"placement", "square"}}}};
    out << line.dump() << "\n";
    if (random.uniform() < (arm == 1 && mobile ? 0.12 : 0.03)) {
      out << nlohmann::json{{"event", "click"}, {"category", "bags"}, {"decision", decision}}.dump() << "\n";
    }
  }
}

QString cell(QTableWidget* table, int row, int column) {
  return table->item(row, column)->text();
}

}  // namespace

class BanditPanelTest : public QObject {
  Q_OBJECT

 private slots:
  void importedLogsBecomeTheArmsPriorsAndVerdict() {
    const auto dir = test::scratch_dir("studio-bandit-panel");
    ui::ProjectSession session;
    session.open(test::qpath(makeProject(dir)));
    writeServingLog(dir / "bags.jsonl", session.project(), 6000);
    BanditPanel panel(session);
    panel.resize(1200, 900);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setCategory("bags");
    QSignalSpy updated(&panel, &BanditPanel::updated);
    QVERIFY(panel.importClickLogs({test::qpath(dir / "bags.jsonl")}));
    QVERIFY(updated.wait(30000));

    // The arms are the approved prompts, labelled with their text.
    auto* arms = panel.findChild<QTableWidget*>("banditArms");
    QCOMPARE(arms->rowCount(), 2);
    QCOMPARE(cell(arms, 0, 0), QString("a marble counter in soft light"));
    QCOMPARE(cell(arms, 1, 0), QString("a park bench under autumn trees"));
    const int shown0 = cell(arms, 0, 1).toInt(), shown1 = cell(arms, 1, 1).toInt();
    QCOMPARE(shown0 + shown1, 6000);
    QVERIFY2(shown0 > 2800 && shown1 > 2800, qPrintable(cell(arms, 0, 1)));
    const double ctr1 = cell(arms, 1, 2).toDouble() / shown1;
    QVERIFY2(ctr1 > 0.06 && ctr1 < 0.09, qPrintable(cell(arms, 1, 3)));  // (12% + 3%) / 2
    QVERIFY2(cell(arms, 1, 3).contains(QRegularExpression(R"(^\d\.\d%  \[\d\.\d%, \d\.\d%\]$)")),
             qPrintable(cell(arms, 1, 3)));
    QVERIFY(cell(arms, 0, 4).endsWith("%"));
    auto* source = panel.findChild<QLabel*>("banditSource");
    QVERIFY2(source->text().startsWith("Click logs bags.jsonl: 6000 impressions"), qPrintable(source->text()));
    auto* priors = panel.findChild<QLabel*>("banditPriors");
    QVERIFY2(priors->text().contains("uninformed"), qPrintable(priors->text()));
    test::saveScreenshot(panel, "bandit-arms.png");

    // Update priors: asked first, then stored as version 1, the one push ships.
    QSignalSpy stored(&panel, &BanditPanel::priorsUpdated);
    const auto asked = test::answerNextMessageBox(QMessageBox::Yes);
    QTest::mouseClick(panel.findChild<QPushButton*>("updatePriors"), Qt::LeftButton);
    QCOMPARE(stored.size(), 1);
    QVERIFY2(asked->startsWith("Learn the priors of bags from 6000 impressions"), qPrintable(*asked));
    QVERIFY2(stored.front().front().toString().startsWith("Stored priors version 1: 6,000 impressions, "),
             qPrintable(stored.front().front().toString()));
    QVERIFY2(priors->text().startsWith("The next push ships priors version 1: 6,000 impressions"),
             qPrintable(priors->text()));
    auto& project = session.project();
    const auto logs = exporting::read_category_logs(project, "bags", {dir / "bags.jsonl"});
    const auto expected = bandit::priors_from_logs(logs.feedback, logs.schema, 2);
    const auto version = project.priors().latest("bags");
    QVERIFY(version.has_value());
    const auto saved = bandit::priors_from_json(nlohmann::json::parse(version->priors_json), "stored");
    QCOMPARE(saved.arms[1].linear.b, expected.arms[1].linear.b);
    QCOMPARE(saved.arms[1].linear.pulls, int64_t{shown1});

    // The evaluation on the imported log: LinUCB learns "mobile users click the bench".
    panel.showEvaluationTab();
    auto& evaluation = panel.evaluation();
    QSignalSpy finished(&evaluation, &ui::BanditEvaluationView::finished);
    QVERIFY(evaluation.evaluate());
    QVERIFY(finished.wait(120000));
    const QString verdict = finished.front().front().toString();
    QVERIFY2(verdict.startsWith("LinUCB is expected to raise CTR from "), qPrintable(verdict));
    QCOMPARE(panel.findChild<QLabel*>("evaluationVerdict")->text(), verdict);
    QVERIFY(panel.findChild<QLabel*>("estimatorExplanation")->text().contains("SNDR"));
    auto* table = panel.findChild<QTableWidget*>("policyEvaluationTable");
    QCOMPARE(table->rowCount(), 3);
    QCOMPARE(table->columnCount(), 6);
    QCOMPARE(cell(table, 0, 0), QString("Logging policy (today)"));
    QVERIFY(cell(table, 1, 0).startsWith("LinUCB"));
    QVERIFY2(cell(table, 1, 5).contains(QRegularExpression(R"(^\d+\.\d%  \[\d+\.\d\d, \d+\.\d\d\]$)")),
             qPrintable(cell(table, 1, 5)));
    test::saveScreenshot(panel, "bandit-evaluation.png");
  }

  void theSimulationIsAWhatIfOverTheRealArms() {
    const auto dir = test::scratch_dir("studio-bandit-simulation");
    ui::ProjectSession session;
    session.open(test::qpath(makeProject(dir)));
    BanditPanel panel(session);
    panel.setCategory("bags");
    QSignalSpy updated(&panel, &BanditPanel::updated);
    QTest::mouseClick(panel.findChild<QPushButton*>("simulateBandit"), Qt::LeftButton);
    QVERIFY(updated.wait(30000));
    auto* source = panel.findChild<QLabel*>("banditSource");
    QVERIFY2(source->text().startsWith("What-if simulation on synthetic users (not your logs): LinUCB over the 2"),
             qPrintable(source->text()));
    auto* arms = panel.findChild<QTableWidget*>("banditArms");
    QCOMPARE(arms->rowCount(), 2);
    QCOMPARE(cell(arms, 0, 0), QString("a marble counter in soft light"));
    QVERIFY(!panel.findChild<QPushButton*>("updatePriors")->isEnabled());  // nothing real to learn from
    QVERIFY(!panel.findChild<QPushButton*>("evaluatePolicies")->isEnabled());

    // One approved prompt: nothing to compare; a draft only: no arms at all.
    updated.clear();
    panel.setCategory("shoes");
    QTest::mouseClick(panel.findChild<QPushButton*>("simulateBandit"), Qt::LeftButton);
    QVERIFY(updated.wait(30000));
    QVERIFY2(source->text().contains("at least two approved prompts"), qPrintable(source->text()));
    panel.setCategory("belts");
    QVERIFY(!panel.simulate());
    QVERIFY2(source->text().contains("'belts' has no approved prompt set"), qPrintable(source->text()));
  }
};

QTEST_MAIN(BanditPanelTest)
#include "bandit_panel_test.moc"
