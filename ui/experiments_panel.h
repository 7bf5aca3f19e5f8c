#pragma once
// The Experiments tab: the report of the online experiments in a folder of backdrop-serve's logs
// (core/experiment/experiment_report.h, the numbers `backdrop experiment report` prints) — a table
// per group with CTR, uplift over the control with its intervals, p-value, minimum detectable
// uplift and the sample-ratio test — and a chart in the style of the paper's Figure 4: the relative
// CTR gain of each group over its control, per slice (placement when split by placement), with
// 95% error bars. The report is computed on a worker that tells its progress; the panel cancels
// and waits for it before it goes.

#include <QString>
#include <QWidget>

#include "core/common/cancellation.h"
#include "core/experiment/experiment_report.h"
#include "ui/scoped_future_watcher.h"

class QCheckBox;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace backdrop::ui {

// What the worker hands back: the report and what reading the logs met, or the error.
struct ExperimentsResult {
  experiment::ExperimentReport report;
  QString summary;
  QString error;
};

class ExperimentsPanel : public QWidget {
  Q_OBJECT

 public:
  // The columns of the table; numeric cells hold their value in Qt::UserRole (bounds in +1, +2).
  enum Column {
    kExperiment,
    kSlice,
    kGroup,
    kKind,
    kShare,
    kUsers,
    kImpressions,
    kClicks,
    kCtr,
    kUplift,
    kBootstrap,
    kPValue,
    kMde,
    kSampleRatio,
    kColumnCount
  };

  explicit ExperimentsPanel(QWidget* parent = nullptr);
  ~ExperimentsPanel() override;

  // Reads `folder` and computes its report on a worker (reportReady when shown); false while one
  // is being computed.
  bool loadLogs(const QString& folder);
  bool isBusy() const { return watcher_.isRunning(); }
  // The options the report is computed with (the grouping and window from the controls).
  experiment::ReportOptions reportOptions() const;
  const experiment::ExperimentReport& report() const { return report_; }

 signals:
  void reportReady(const QString& status);

 private:
  void chooseFolder();
  void recompute();
  void showResult();
  void fillTable();
  void drawChart();

  QLineEdit* folder_ = nullptr;
  QCheckBox* byCategory_ = nullptr;
  QCheckBox* byPlacement_ = nullptr;
  QDoubleSpinBox* window_ = nullptr;
  QLabel* status_ = nullptr;
  QTableWidget* table_ = nullptr;
  QCustomPlot* chart_ = nullptr;
  ScopedFutureWatcher<ExperimentsResult> watcher_;
  CancellationToken cancel_;  // of the report being computed
  experiment::ExperimentReport report_;
  bool pending_ = false;  // the controls changed while a report was being computed
};

}  // namespace backdrop::ui
