// The dashboard's offline evaluation through the real widgets: every candidate policy evaluated
// with replay, IPW and DR (bootstrap 95% intervals) on the simulator's log and on an imported
// click log, shown as a chart with error bars and a table; the work runs on a worker and can be
// cancelled.

#include <QtTest>

#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <fstream>
#include <qcustomplot.h>

#include "core/bandit/policy_factory.h"
#include "core/bandit/random.h"
#include "support/test_data.h"
#include "ui/bandit_evaluation.h"
#include "ui/bandit_panel.h"
#include "ui/project_session.h"

using backdrop::ui::BanditPanel;

namespace {

struct Cell {
  double value = 0, low = 0, high = 0;
};

// "0.0512  [0.0400, 0.0630]"
Cell parseCell(const QString& text) {
  static const QRegularExpression pattern(R"(^(-?[0-9.]+)\s+\[(-?[0-9.]+), (-?[0-9.]+)\]$)");
  const auto match = pattern.match(text);
  if (!match.hasMatch()) return {-1, -1, -1};
  return {match.captured(1).toDouble(), match.captured(2).toDouble(), match.captured(3).toDouble()};
}

int rowOf(QTableWidget* table, const QString& policy) {
  for (int row = 0; row < table->rowCount(); ++row) {
    if (table->item(row, 0)->text() == policy) return row;
  }
  return -1;
}

// A production-like log: 3 arms shown uniformly at random, arm 2 clicked most.
int writeClickLog(const std::filesystem::path& file, int impressions) {
  std::ofstream out(file);
  backdrop::bandit::Random random(3);
  const double ctr[] = {0.05, 0.1, 0.3};
  for (int i = 0; i < impressions; ++i) {
    const int arm = random.below(3);
    out << R"({"event": "impression", "decision": "d-)" << i << R"(", "arm": )" << arm
        << R"(, "position": 0, "propensity": 0.3333333333, "features": {"user": {"segment": ")"
        << (i % 2 == 0 ? "new" : "returning") << R"("}}})" << "\n";
    if (random.uniform() < ctr[arm]) out << R"({"event": "click", "decision": "d-)" << i << R"("})" << "\n";
  }
  return impressions;
}

}  // namespace

class BanditEvaluationTest : public QObject {
  Q_OBJECT

 private slots:
  void evaluatesEveryCandidateOnTheSimulatorsLog() {
    backdrop::ui::ProjectSession session;
    BanditPanel panel(session);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.showEvaluationTab();
    QSignalSpy finished(&panel, &BanditPanel::evaluationFinished);
    QTest::mouseClick(panel.findChild<QPushButton*>("evaluatePolicies"), Qt::LeftButton);
    QVERIFY(panel.isEvaluating());  // on a worker: the GUI thread is back at once
    QVERIFY(!panel.findChild<QPushButton*>("evaluatePolicies")->isEnabled());
    QVERIFY(finished.wait(60000));
    const QString status = finished.front().front().toString();
    QVERIFY2(status.startsWith("evaluated 5 policies"), qPrintable(status));

    auto* table = panel.findChild<QTableWidget*>("policyEvaluationTable");
    const auto& names = backdrop::bandit::policy_names();
    QCOMPARE(table->rowCount(), static_cast<int>(names.size()));
    for (int row = 0; row < table->rowCount(); ++row) {
      for (int column : {1, 3, 4}) {  // replay, IPW, DR
        const Cell cell = parseCell(table->item(row, column)->text());
        QVERIFY2(cell.low <= cell.value && cell.value <= cell.high && cell.high > cell.low,
                 qPrintable(table->item(row, 0)->text() + ": " + table->item(row, column)->text()));
      }
    }
    // The uniform random policy is the logger itself: IPW gives back the logged CTR (its
    // distribution is a Monte Carlo estimate, hence the tolerance), and replay counts about a
    // quarter of the rounds of the 4-arm log.
    const double logged = status.section("logged CTR ", 1).chopped(1).toDouble();
    QVERIFY(logged > 0);
    const int uniform = rowOf(table, "random");
    QVERIFY(uniform >= 0);
    const Cell uniformIpw = parseCell(table->item(uniform, 3)->text());
    QVERIFY2(std::abs(uniformIpw.value - logged) < 0.05 * logged, qPrintable(table->item(uniform, 3)->text()));
    const int matched = table->item(uniform, 2)->text().toInt();
    QVERIFY2(matched > 800 && matched < 1200, qPrintable(QString::number(matched)));
    // LinUCB learns the contexts: its replay CTR beats uniform's.
    const int linucb = rowOf(table, "linucb");
    QVERIFY(parseCell(table->item(linucb, 1)->text()).value > parseCell(table->item(uniform, 1)->text()).value);

    // The chart: three estimators with error bars, one point per policy each.
    auto* plot = panel.findChild<QCustomPlot*>("policyEvaluationPlot");
    int errorBars = 0;
    for (int i = 0; i < plot->plottableCount(); ++i) {
      if (auto* bars = qobject_cast<QCPErrorBars*>(plot->plottable(i))) {
        ++errorBars;
        QCOMPARE(bars->dataCount(), static_cast<int>(names.size()));
      }
    }
    QCOMPARE(errorBars, 3);

    // Cancel: the evaluation in flight is dropped, the table keeps the last results.
    const QString firstCell = table->item(0, 1)->text();
    finished.clear();
    QTest::mouseClick(panel.findChild<QPushButton*>("evaluatePolicies"), Qt::LeftButton);
    QVERIFY(panel.isEvaluating());
    QTest::mouseClick(panel.findChild<QPushButton*>("cancelEvaluation"), Qt::LeftButton);
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.front().front().toString(), QString("cancelled"));
    QCOMPARE(table->item(0, 1)->text(), firstCell);
    QVERIFY(panel.findChild<QPushButton*>("evaluatePolicies")->isEnabled());
  }

  void evaluatesAnImportedClickLog() {
    const auto dir = backdrop::test::scratch_dir("studio-bandit-evaluation");
    const auto log = dir / "clicks.jsonl";
    const int impressions = writeClickLog(log, 900);
    backdrop::ui::ProjectSession session;
    BanditPanel panel(session);
    QSignalSpy updated(&panel, &BanditPanel::updated);
    QVERIFY(panel.importClickLog(QString::fromStdString(log.string())));
    QVERIFY(updated.wait(20000));
    QSignalSpy finished(&panel, &BanditPanel::evaluationFinished);
    QVERIFY(panel.evaluatePolicies());
    QVERIFY(finished.wait(60000));
    const QString status = finished.front().front().toString();
    QVERIFY2(status.contains(QString("click log clicks.jsonl, %1 impressions over 3 arms").arg(impressions)), qPrintable(status));
    auto* table = panel.findChild<QTableWidget*>("policyEvaluationTable");
    QCOMPARE(table->rowCount(), static_cast<int>(backdrop::bandit::policy_names().size()));
    // The best arm's CTR is 0.3, the log's about 0.15: replay lets epsilon-greedy learn from the
    // matched rounds, and it finds arm 2 and beats the log; uniform random stays at the log's CTR.
    const double logged = status.section("logged CTR ", 1).chopped(1).toDouble();
    const Cell greedy = parseCell(table->item(rowOf(table, "epsilon-greedy"), 1)->text());
    QVERIFY2(greedy.value > 1.3 * logged, qPrintable(table->item(rowOf(table, "epsilon-greedy"), 1)->text()));
    const Cell uniformIpw = parseCell(table->item(rowOf(table, "random"), 3)->text());
    QVERIFY2(uniformIpw.low < logged && logged < uniformIpw.high, qPrintable(table->item(rowOf(table, "random"), 3)->text()));
  }
};

QTEST_MAIN(BanditEvaluationTest)
#include "bandit_evaluation_test.moc"
