#pragma once
// Push to production: what will ship (per category its approved prompt set, arms, products and
// images per placement; the categories and variants left out, and why), the target folder that
// backdrop-serve and the CDN read from, and the publish itself — core/export's publish(), run on
// a worker with progress and cancellation — with its result: the version made current and its
// files, or the error (the serving version is then unchanged). An optional online experiment
// (ExperimentPlanEditor: a plan file, or groups and shares set here) ships with the categories it
// names; the plan table shows each category's.

#include <QDialog>

#include <optional>

#include "core/common/cancellation.h"
#include "core/experiment/experiment_plan.h"
#include "ui/scoped_future_watcher.h"

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace backdrop::exporting {
struct BundlePlan;
}

namespace backdrop::ui {

class ProjectSession;

class ExperimentPlanEditor;

class PushDialog : public QDialog {
  Q_OBJECT

 public:
  explicit PushDialog(ProjectSession& session, QWidget* parent = nullptr);
  ~PushDialog() override;

  void setTarget(const QString& folder);
  ExperimentPlanEditor* experimentEditor() const { return experiment_; }
  QString target() const;
  // Starts publishing to the target; false when one is running, nothing ships or no target is set.
  bool publish();
  void cancel();
  bool isPublishing() const { return publishing_; }

 signals:
  void planReady(const QString& summary);
  void published(const QString& result);  // "published <version> …", "cancelled …" or "failed: …"

 protected:
  void reject() override;  // Close/Escape: not while a publish runs

 private:
  struct PlanResult;
  struct PublishOutcome;
  void computePlan();
  void showPlan();
  void showPublished();
  void showServingVersion();
  void showExperiments();
  // The experiment plan to publish; nullopt (and why in `problem`) when it cannot ship.
  std::optional<experiment::ExperimentPlan> experimentPlan(QString* problem) const;
  void updateButtons();

  ProjectSession& session_;
  QLineEdit* target_ = nullptr;
  QLabel* serving_ = nullptr;
  QLabel* planSummary_ = nullptr;
  QTableWidget* planTable_ = nullptr;
  QLabel* exclusions_ = nullptr;
  ExperimentPlanEditor* experiment_ = nullptr;
  QStringList plannedCategories_;  // the categories that ship, in the plan table's first rows
  QProgressBar* progress_ = nullptr;
  QLabel* result_ = nullptr;
  QPushButton* publishButton_ = nullptr;
  QPushButton* cancelButton_ = nullptr;
  QPushButton* closeButton_ = nullptr;
  ScopedFutureWatcher<std::shared_ptr<PlanResult>> planning_;
  ScopedFutureWatcher<std::shared_ptr<PublishOutcome>> publishWork_;
  CancellationToken cancel_;
  int64_t plannedImages_ = 0;
  bool publishing_ = false;  // from the start until its outcome is shown
};

}  // namespace backdrop::ui
