#pragma once
// The bandit dashboard: per category, the arms (the prompts of its approved set) with their
// click-through rates and 95% intervals, cumulative reward and regret over time, and each arm's
// share of impressions — from an imported production click log (Backdrop's JSON-lines impression
// log) or, until one is imported, from core's simulator playing LinUCB; and the offline evaluation
// of candidate policies (replay, IPW, DR with bootstrap 95% intervals) on that log or the
// simulator's. Work runs on workers; the evaluation can be cancelled.

#include <QVector>
#include <QWidget>

#include "core/common/cancellation.h"
#include "ui/bandit_evaluation.h"
#include "ui/scoped_future_watcher.h"

class QCPBars;
class QComboBox;
class QCustomPlot;
class QLabel;
class QPushButton;
class QTabWidget;
class QTableWidget;

namespace backdrop::ui {

class ProjectSession;

struct BanditCurves {
  QString source;  // what the numbers come from
  QStringList arms;
  QVector<double> ctr, low, high;   // per arm
  QVector<double> shares;           // per arm, sums to 1
  QVector<double> rounds, reward, regret;  // cumulative; regret empty for logs
  QString error;
};

class BanditPanel : public QWidget {
  Q_OBJECT

 public:
  explicit BanditPanel(ProjectSession& session, QWidget* parent = nullptr);
  ~BanditPanel() override;
  void reload();
  bool importClickLog(const QString& file);
  bool isBusy() const { return watcher_.isRunning(); }

  // Evaluates every candidate policy on the imported click log (or the simulator's log).
  bool evaluatePolicies();
  void cancelEvaluation();
  bool isEvaluating() const { return evaluating_; }
  void showEvaluationTab();

 signals:
  void updated();
  void evaluationFinished(const QString& status);  // "evaluated …", "cancelled" or the error

 private:
  void simulate();
  void showCurves();
  QStringList armNames() const;
  QWidget* buildArmsTab();
  QWidget* buildEvaluationTab();
  void showEvaluation();

  ProjectSession& session_;
  QComboBox* category_ = nullptr;
  QLabel* source_ = nullptr;
  QCustomPlot* ctrPlot_ = nullptr;
  QCustomPlot* curvePlot_ = nullptr;
  QCustomPlot* sharePlot_ = nullptr;
  ScopedFutureWatcher<BanditCurves> watcher_;
  QString clickLog_;  // the imported log; empty: simulated

  QTabWidget* tabs_ = nullptr;
  QPushButton* evaluateButton_ = nullptr;
  QPushButton* cancelEvaluationButton_ = nullptr;
  QLabel* evaluationStatus_ = nullptr;
  QCustomPlot* evaluationPlot_ = nullptr;
  QTableWidget* evaluationTable_ = nullptr;
  ScopedFutureWatcher<PolicyEvaluationReport> evaluation_;
  CancellationToken cancelEvaluation_;
  bool evaluating_ = false;  // from the start until its result is shown
};

// Wilson score interval for `clicks` out of `shows` at 95%.
std::pair<double, double> wilsonInterval(double clicks, double shows);

}  // namespace backdrop::ui
