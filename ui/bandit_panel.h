#pragma once
// The Bandit tab: per category, the arms are the prompts of its approved set. The user imports
// click logs (backdrop-serve's .jsonl, or an OBD .csv); each arm then shows its impressions,
// clicks, CTR with a 95% interval and share of impressions, labelled with its prompt; "Update
// Priors from These Logs" stores them as the category's next priors version, which push ships. A
// "What-if Simulation" (synthetic users, labelled as such) plays LinUCB over the same arms; the
// Offline Evaluation tab judges LinUCB on the imported logs (BanditEvaluationView). Reading and
// simulating run on workers; the project is only touched on the GUI thread.

#include <QStringList>
#include <QWidget>

#include <memory>
#include <optional>

#include "core/export/category_logs.h"
#include "ui/bandit_curves.h"
#include "ui/scoped_future_watcher.h"

class QComboBox;
class QCustomPlot;
class QLabel;
class QPushButton;
class QTabWidget;
class QTableWidget;

namespace backdrop::ui {

class BanditEvaluationView;
class ProjectSession;

class BanditPanel : public QWidget {
  Q_OBJECT

 public:
  explicit BanditPanel(ProjectSession& session, QWidget* parent = nullptr);
  ~BanditPanel() override;
  void reload();
  QString category() const;
  void setCategory(const QString& category);
  // Reads the files against the current category's approved prompts (on a worker); false when the
  // category has none or a read is running.
  bool importClickLogs(const QStringList& files);
  bool hasLogs() const { return logs_ != nullptr; }
  // Asks, then stores the priors learnt from the imported logs as the category's next version.
  bool updatePriors();
  bool simulate();  // the what-if simulation over the current category's arms
  bool isBusy() const { return watcher_.isRunning(); }
  BanditEvaluationView& evaluation() { return *evaluation_; }
  void showEvaluationTab();

 signals:
  void updated();                           // new numbers are shown
  void priorsUpdated(const QString& text);  // "Stored priors version 2 of bags: …"

 private:
  QWidget* buildArmsTab();
  QLayout* buildControls();
  void categoryChanged();
  void showCurves();
  void showArmsTable(const BanditCurves& curves);
  void showPriors();
  void setStatus(const QString& text);
  // The current category's arms (read here, on the GUI thread, for a worker); nothing when no
  // category can be read now, with `failure` (holding %1 for the reason) shown when it has none.
  std::optional<exporting::CategoryArms> currentArms(const QString& failure);

  ProjectSession& session_;
  QComboBox* category_ = nullptr;
  QLabel* source_ = nullptr;
  QLabel* priors_ = nullptr;
  QPushButton* updatePriors_ = nullptr;
  QTableWidget* armsTable_ = nullptr;
  QCustomPlot* ctrPlot_ = nullptr;
  QCustomPlot* curvePlot_ = nullptr;
  QCustomPlot* sharePlot_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  BanditEvaluationView* evaluation_ = nullptr;
  ScopedFutureWatcher<BanditCurves> watcher_;
  QStringList files_;  // the imported logs, read again for another category
  std::shared_ptr<const exporting::CategoryLogs> logs_;
};

}  // namespace backdrop::ui
