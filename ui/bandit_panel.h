#pragma once
// The bandit dashboard: per category, the arms (the prompts of its approved set) with their
// click-through rates and 95% intervals, cumulative reward and regret over time, and each arm's
// share of impressions — from an imported production click log (Backdrop's JSON-lines impression
// log) or, until one is imported, from core's simulator playing LinUCB. Work runs on a worker.

#include <QFutureWatcher>
#include <QVector>
#include <QWidget>

class QCPBars;
class QComboBox;
class QCustomPlot;
class QLabel;

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
  void reload();
  bool importClickLog(const QString& file);
  bool isBusy() const { return watcher_.isRunning(); }

 signals:
  void updated();

 private:
  void simulate();
  void show();
  QStringList armNames() const;

  ProjectSession& session_;
  QComboBox* category_ = nullptr;
  QLabel* source_ = nullptr;
  QCustomPlot* ctrPlot_ = nullptr;
  QCustomPlot* curvePlot_ = nullptr;
  QCustomPlot* sharePlot_ = nullptr;
  QFutureWatcher<BanditCurves> watcher_;
};

// Wilson score interval for `clicks` out of `shows` at 95%.
std::pair<double, double> wilsonInterval(double clicks, double shows);

}  // namespace backdrop::ui
