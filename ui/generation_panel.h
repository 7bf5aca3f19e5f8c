#pragma once
// The generation queue: start a job for the selected (or all) products x approved prompts x
// colours x placements, watch per-job and overall progress with an ETA. The project's jobs are
// listed from its store (JobsView); pause, resume, cancel and retry failed act on the selected job
// through core's job controls, which say what each state allows.
// The job runs on a worker thread through core's job runner; finished variants appear in the
// project (and the variants view) while it runs. Core's GeneratorVariantRenderer paints them: with
// Stable Diffusion and the ControlNet when Settings name the weights (the models opened once per
// run, on the worker; the bars move with every denoising step), with the studio backdrop otherwise
// (a banner says so).

#include <QElapsedTimer>
#include <QWidget>
#include <memory>

#include "core/common/cancellation.h"
#include "ui/generation_run.h"
#include "ui/scoped_future_watcher.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QTimer;

namespace backdrop::ui {

class GenerationChoices;
class JobsView;
class ProjectSession;

class GenerationPanel : public QWidget {
  Q_OBJECT

 public:
  explicit GenerationPanel(ProjectSession& session, QWidget* parent = nullptr);
  ~GenerationPanel() override;

  // Starts a job for these products (all products when empty); false when one is running or the
  // choices plan nothing (the panel says why).
  bool start(const QStringList& productIds);
  // The products the variant count is shown for: the catalogue's selection.
  void setSelection(const QStringList& productIds);
  // Pauses the selected job while this Studio runs it; otherwise resumes it and runs it here.
  void togglePause();
  void cancel();
  // Queues the selected job's failed variants again and runs them when nothing else runs.
  void retryFailed();
  bool isRunning() const { return watcher_.isRunning(); }
  void refreshBanner();

 signals:
  void startRequested();  // the Start button: the main window supplies the selection
  void jobFinished(const QString& summary);

 private:
  void launch(bool planned);  // planned: the job's tasks are in the store already
  void resume(const QString& job);
  void poll();
  void onFinished();
  void refreshJobs();
  void updateControls();
  void onProjectOpened();

  ProjectSession& session_;
  QLabel* banner_ = nullptr;
  GenerationChoices* choices_ = nullptr;
  QPushButton* startButton_ = nullptr;
  QPushButton* pauseButton_ = nullptr;
  QPushButton* cancelButton_ = nullptr;
  QPushButton* retryButton_ = nullptr;
  QProgressBar* overall_ = nullptr;
  QLabel* eta_ = nullptr;
  JobsView* jobs_ = nullptr;
  QTimer* timer_ = nullptr;
  ScopedFutureWatcher<QString> watcher_;
  std::shared_ptr<GenerationCounters> counters_;
  CancellationToken cancel_;
  QString jobName_;        // the job this panel runs, or ran last
  QString status_;         // what its row says while it runs, then the run's summary
  RunRequest jobChoices_;  // the running job's products, placements, colours and seeds
  QElapsedTimer elapsed_;
  int64_t lastDone_ = 0;
  int64_t doneAtStart_ = -1;  // the store's count when this run began: the ETA is this run's pace
  bool pausing_ = false;
};

}  // namespace backdrop::ui
