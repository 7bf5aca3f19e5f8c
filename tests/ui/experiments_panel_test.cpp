// The Experiments tab through the real widget: a simulated folder of serving logs (three groups,
// two placements) is reported on a worker, and every table cell holds the number core's report
// gives for the same folder and options; the chart has a bar with error bars per group and slice;
// regrouping recomputes; a folder without experiments says so; the panel waits for its worker.

#include <QtTest>

#include <qcustomplot.h>
#include <QCheckBox>
#include <QLabel>
#include <QTableWidget>
#include <QTemporaryDir>

#include "core/experiment/experiment_log.h"
#include "core/experiment/experiment_report.h"
#include "core/experiment/experiment_simulation.h"
#include "ui/experiments_panel.h"

using backdrop::ui::ExperimentsPanel;
using namespace backdrop::experiment;

namespace {

void writeSimulatedLogs(const QString& folder) {
  SimulationConfig config;
  config.experiment = "phase3";
  config.groups = {{"random", "random-prompt", 0.2, 0.03, {}},
                   {"original", "original", 0.2, 0.028, {}},
                   {"personalised", "personalised", 0.6, 0.034, {{"wide", 0.038}}}};
  config.placements = {"square", "wide"};
  config.users = 3000;
  config.seed = 5;
  write_serving_logs(simulate_experiment(config), folder.toStdString());
}

ExperimentReport coreReport(const QString& folder, const ReportOptions& options) {
  ExperimentLogOptions read;
  read.attribution_window_hours = options.attribution_window_hours;
  return build_experiment_report(load_experiment_log(folder.toStdString(), read).impressions, options);
}

double cellValue(QTableWidget* table, int row, int column, int role = Qt::UserRole) {
  auto* item = table->item(row, column);
  return item ? item->data(role).toDouble() : -1e9;
}

// Every row of the table against core's report, group by group in the same order.
void checkTableMatches(QTableWidget* table, const ExperimentReport& report) {
  int row = 0;
  for (const auto& slice : report.experiments) {
    for (const auto& group : slice.groups) {
      QVERIFY(row < table->rowCount());
      QVERIFY(table->item(row, ExperimentsPanel::kGroup)->text().startsWith(QString::fromStdString(group.group)));
      QCOMPARE(cellValue(table, row, ExperimentsPanel::kUsers), static_cast<double>(group.users));
      QCOMPARE(cellValue(table, row, ExperimentsPanel::kImpressions), static_cast<double>(group.impressions));
      QCOMPARE(cellValue(table, row, ExperimentsPanel::kClicks), static_cast<double>(group.clicks));
      QCOMPARE(cellValue(table, row, ExperimentsPanel::kCtr), group.ctr);
      QCOMPARE(cellValue(table, row, ExperimentsPanel::kCtr, Qt::UserRole + 1), group.ctr_ci.low);
      QCOMPARE(cellValue(table, row, ExperimentsPanel::kCtr, Qt::UserRole + 2), group.ctr_ci.high);
      QCOMPARE(cellValue(table, row, ExperimentsPanel::kSampleRatio), slice.sample_ratio.p_value);
      if (group.uplift) {
        QCOMPARE(cellValue(table, row, ExperimentsPanel::kUplift), *group.uplift);
        QCOMPARE(cellValue(table, row, ExperimentsPanel::kUplift, Qt::UserRole + 1), group.uplift_ci->low);
        QCOMPARE(cellValue(table, row, ExperimentsPanel::kUplift, Qt::UserRole + 2), group.uplift_ci->high);
        QCOMPARE(cellValue(table, row, ExperimentsPanel::kBootstrap, Qt::UserRole + 1), group.uplift_bootstrap_ci->low);
        QCOMPARE(cellValue(table, row, ExperimentsPanel::kPValue), *group.p_value);
        QCOMPARE(cellValue(table, row, ExperimentsPanel::kMde), *group.minimum_detectable_uplift);
      } else {
        QCOMPARE(table->item(row, ExperimentsPanel::kUplift)->text(), QString("control"));
      }
      ++row;
    }
  }
  QCOMPARE(table->rowCount(), row);
}

}  // namespace

class ExperimentsPanelTest : public QObject {
  Q_OBJECT

 private slots:
  void table_and_chart_show_cores_report() {
    QTemporaryDir logs;
    writeSimulatedLogs(logs.path());
    ExperimentsPanel panel;
    panel.resize(1200, 800);
    panel.show();
    QSignalSpy ready(&panel, &ExperimentsPanel::reportReady);
    QVERIFY(panel.loadLogs(logs.path()));
    QVERIFY(ready.wait(30000));

    auto* table = panel.findChild<QTableWidget*>("experimentsTable");
    QVERIFY(table);
    QCOMPARE(table->rowCount(), 6);  // 3 groups in each of 2 placements
    const auto options = panel.reportOptions();
    QVERIFY(options.by_placement && !options.by_category);
    checkTableMatches(table, coreReport(logs.path(), options));
    QCOMPARE(table->item(0, ExperimentsPanel::kGroup)->text(), QString("random (control)"));

    // Figure 4: one series per group other than the control, a bar and an error bar per placement.
    auto* chart = panel.findChild<QCustomPlot*>("experimentsChart");
    QVERIFY(chart);
    int bars = 0, errorBars = 0;
    for (int i = 0; i < chart->plottableCount(); ++i) {
      if (auto* series = qobject_cast<QCPBars*>(chart->plottable(i))) {
        ++bars;
        QCOMPARE(series->data()->size(), 2);
      }
      if (auto* errors = qobject_cast<QCPErrorBars*>(chart->plottable(i))) {
        ++errorBars;
        QCOMPARE(errors->dataCount(), 2);
      }
    }
    QCOMPARE(bars, 2);
    QCOMPARE(errorBars, 2);

    // Without the placement split: one slice, computed again.
    panel.findChild<QCheckBox*>("experimentsByPlacement")->setChecked(false);
    QVERIFY(ready.wait(30000));
    QCOMPARE(table->rowCount(), 3);
    checkTableMatches(table, coreReport(logs.path(), panel.reportOptions()));
  }

  void a_folder_without_experiments_says_so() {
    QTemporaryDir logs;
    QFile file(logs.filePath("shoes.jsonl"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"event":"impression","decision":"d1","arm":0,"propensity":1,"time":"2026-12-01T00:00:00Z"})"
               "\n");
    file.close();
    ExperimentsPanel panel;
    QSignalSpy ready(&panel, &ExperimentsPanel::reportReady);
    QVERIFY(panel.loadLogs(logs.path()));
    QVERIFY(ready.wait(30000));
    QVERIFY(ready.front().front().toString().contains("no impression"));
    QVERIFY(panel.loadLogs(logs.filePath("missing")));
    QVERIFY(ready.wait(30000));
    QVERIFY(ready.back().front().toString().startsWith("Cannot report"));
  }

  void destroying_the_panel_waits_for_its_worker() {
    QTemporaryDir logs;
    writeSimulatedLogs(logs.path());
    auto panel = std::make_unique<ExperimentsPanel>();
    QVERIFY(panel->loadLogs(logs.path()));
    panel.reset();  // must not crash or leave the worker writing into a dead panel
  }
};

QTEST_MAIN(ExperimentsPanelTest)
#include "experiments_panel_test.moc"
