#include "ui/generation_panel.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QStringList>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent>

#include "core/generation/jobs_control.h"
#include "ui/banner.h"
#include "ui/count_text.h"
#include "ui/generation_choices.h"
#include "ui/generation_run.h"
#include "ui/jobs_view.h"
#include "ui/project_session.h"
#include "ui/studio_settings.h"

namespace backdrop::ui {
namespace {

// The stored job `job` of the open project; throws (naming the jobs there are) when it is gone.
std::unique_ptr<JobQueue> storedJob(const QString& projectFile, const QString& job) {
  return open_existing_job_queue(projectFile.toStdString(), job.toStdString());
}

}  // namespace

GenerationPanel::GenerationPanel(ProjectSession& session, QWidget* parent) : QWidget(parent), session_(session) {
  setObjectName("generationPanel");
  banner_ = makeBanner("noWeightsBanner");
  choices_ = new GenerationChoices(session_);
  startButton_ = new QPushButton(tr("Generate for Selection"));
  startButton_->setObjectName("startGeneration");
  pauseButton_ = new QPushButton(tr("Pause"));
  pauseButton_->setObjectName("pauseGeneration");
  cancelButton_ = new QPushButton(tr("Cancel"));
  cancelButton_->setObjectName("cancelGeneration");
  retryButton_ = new QPushButton(tr("Retry Failed"));
  retryButton_->setObjectName("retryFailed");
  overall_ = new QProgressBar;
  overall_->setObjectName("overallProgress");
  overall_->setValue(0);
  eta_ = new QLabel(tr("No job running."));
  eta_->setObjectName("generationEta");
  eta_->setWordWrap(true);  // a failed run's reason can be long
  jobs_ = new JobsView(session_);
  timer_ = new QTimer(this);
  timer_->setInterval(250);
  // While nothing runs here, the list still follows the store: jobs that CLI workers run or queue.
  auto* idle = new QTimer(this);
  idle->setInterval(2000);
  connect(idle, &QTimer::timeout, this, [this] {
    if (!isRunning() && isVisible()) refreshJobs();
  });
  idle->start();

  connect(startButton_, &QPushButton::clicked, this, &GenerationPanel::startRequested);
  connect(pauseButton_, &QPushButton::clicked, this, &GenerationPanel::togglePause);
  connect(cancelButton_, &QPushButton::clicked, this, &GenerationPanel::cancel);
  connect(retryButton_, &QPushButton::clicked, this, &GenerationPanel::retryFailed);
  connect(timer_, &QTimer::timeout, this, &GenerationPanel::poll);
  connect(&watcher_, &QFutureWatcher<QString>::finished, this, &GenerationPanel::onFinished);
  connect(jobs_, &JobsView::selectionChanged, this, &GenerationPanel::updateControls);
  connect(&session_, &ProjectSession::projectOpened, this, &GenerationPanel::onProjectOpened);

  connect(choices_, &GenerationChoices::validityChanged, this,
          [this](bool plannable) { startButton_->setEnabled(plannable && !isRunning()); });

  auto* controls = new QHBoxLayout;
  controls->addStretch();
  controls->addWidget(startButton_);
  controls->addWidget(pauseButton_);
  controls->addWidget(cancelButton_);
  controls->addWidget(retryButton_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(banner_);
  layout->addWidget(
      new QLabel(tr("Each product of the selection is generated with every prompt of its category's "
                    "approved prompt set (or the default prompt), in every chosen placement and "
                    "colour.")));
  layout->addWidget(choices_);
  layout->addLayout(controls);
  layout->addWidget(overall_);
  layout->addWidget(eta_);
  layout->addWidget(jobs_, 1);
  refreshBanner();
  updateControls();
}

GenerationPanel::~GenerationPanel() {
  // A generation in flight stops at its next variant (watcher_ waits for it); its job stays active
  // in the store, so reopening the project offers to resume it.
  cancel_.cancel();
}

void GenerationPanel::refreshBanner() {
  const bool weights = StudioSettings::load().hasDiffusionWeights();
  banner_->setText(weights ? QString()
                           : tr("<b>No diffusion weights configured.</b> Studio-backdrop variants (the product on "
                                "a soft studio colour) are made instead. Set the checkpoint and ControlNet in "
                                "Settings to generate diffusion backgrounds."));
  banner_->setVisible(!weights);
}

void GenerationPanel::setSelection(const QStringList& productIds) {
  choices_->setProducts(productIds);
}

void GenerationPanel::onProjectOpened() {
  if (!isRunning()) {  // the last run's row belongs to the project it ran in
    jobName_.clear();
    status_.clear();
  }
  refreshJobs();
}

bool GenerationPanel::start(const QStringList& productIds) {
  if (isRunning() || !session_.isOpen()) return false;
  RunRequest request;
  QString why;
  if (!choices_->fillRequest(request, why)) {
    eta_->setText(why);
    return false;
  }
  for (const auto& id : productIds) request.choices.products.push_back(id.toStdString());
  jobChoices_ = std::move(request);
  jobName_ = QStringLiteral("studio-%1").arg(QDateTime::currentDateTimeUtc().toString("yyyyMMdd-hhmmsszzz"));
  launch(false);
  jobs_->select(jobName_);
  return true;
}

void GenerationPanel::launch(bool planned) {
  pausing_ = false;
  status_ = planned ? tr("resuming") : tr("planning");
  cancel_ = CancellationToken();
  counters_ = std::make_shared<GenerationCounters>();
  lastDone_ = 0;
  doneAtStart_ = -1;
  elapsed_.start();
  const StudioSettings settings = StudioSettings::load();
  RunRequest request = jobChoices_;
  request.projectFile = session_.file().toStdString();
  request.jobName = jobName_.toStdString();
  request.threads = settings.threads > 0 ? settings.threads : std::max(1, QThread::idealThreadCount());
  request.choices.generator = generatorChoice(settings);
  auto counters = counters_;
  const CancellationToken cancel = cancel_;
  // `counters` is shared, so the worker's counters outlive a restarted panel state.
  watcher_.setFuture(QtConcurrent::run([request, counters, cancel, planned]() -> QString {
    try {
      return planned ? runQueuedJob(request, *counters, cancel) : runGeneration(request, *counters, cancel);
    } catch (const Cancelled&) {
      return tr("cancelled");  // while products were still being prepared, before the job started
    } catch (const std::exception& error) {
      return tr("failed: %1").arg(QString::fromStdString(error.what()));
    }
  }));
  startButton_->setEnabled(false);
  timer_->start();
  refreshJobs();
}

void GenerationPanel::togglePause() {
  const QString job = jobs_->selectedJob();
  if (job.isEmpty()) return;
  try {
    if (isRunning() && job == jobName_) {
      // The runner finishes the tasks in flight and returns; Resume starts it again on the same job.
      if (!pausing_) pause_job(*storedJob(session_.file(), job));
      pausing_ = true;
    } else {
      resume(job);
    }
  } catch (const std::exception& error) {
    eta_->setText(QString::fromStdString(error.what()));
  }
  refreshJobs();
}

void GenerationPanel::resume(const QString& job) {
  if (isRunning()) return;  // one run at a time
  resume_job(*storedJob(session_.file(), job));
  if (job != jobName_) jobChoices_ = RunRequest();  // a job of an earlier session: its tasks say what to make
  jobName_ = job;
  launch(true);  // the same job: its finished tasks stay done, the counts go on from the store
}

void GenerationPanel::cancel() {
  const QString job = jobs_->selectedJob();
  if (isRunning() && job == jobName_) {
    counters_->cancelJob.store(true);  // the run cancels the job in the store once it has stopped
    cancel_.cancel();
    return;
  }
  try {
    cancel_job(*storedJob(session_.file(), job));
  } catch (const std::exception& error) {
    eta_->setText(QString::fromStdString(error.what()));
  }
  refreshJobs();
}

void GenerationPanel::retryFailed() {
  const QString job = jobs_->selectedJob();
  try {
    const auto queue = storedJob(session_.file(), job);
    const int64_t queued = retry_failed_tasks(*queue);
    eta_->setText(
        countText(queued, tr("%1 failed variant of %2 queued again."), tr("%1 failed variants of %2 queued again."))
            .arg(job));
    // A running job's runner takes them up; a paused one waits for Resume.
    if (!isRunning() && queue->progress().state == JobState::active) resume(job);
  } catch (const std::exception& error) {
    eta_->setText(QString::fromStdString(error.what()));
  }
  refreshJobs();
}

void GenerationPanel::poll() {
  const int64_t done = counters_->done.load(), total = counters_->total.load();
  if (total > 0 && doneAtStart_ < 0) doneAtStart_ = done;
  const int64_t step = counters_->step.load(), steps = counters_->steps.load();
  const bool painting = steps > 0 && step < steps && done < total;
  const int64_t units = done * kBarUnitsPerVariant + (painting ? step * kBarUnitsPerVariant / steps : 0);
  overall_->setMaximum(static_cast<int>(std::max<int64_t>(total * kBarUnitsPerVariant, 1)));
  overall_->setValue(static_cast<int>(units));
  const int64_t doneHere = done - std::max<int64_t>(doneAtStart_, 0);
  if (doneHere > 0 && total > done) {
    const double seconds =
        elapsed_.elapsed() / 1000.0 * static_cast<double>(total - done) / static_cast<double>(doneHere);
    eta_->setText(tr("%1 of %2 variants · about %3 s left").arg(done).arg(total).arg(qRound(seconds)));
  } else {
    eta_->setText(tr("%1 of %2 variants").arg(done).arg(total));
  }
  if (total > 0) {
    status_ = pausing_ ? tr("pausing") : painting ? tr("running · step %1 of %2").arg(step).arg(steps) : tr("running");
  }
  refreshJobs();
  if (done != lastDone_) {  // results appear while the job runs
    lastDone_ = done;
    emit session_.variantsChanged();
  }
}

void GenerationPanel::refreshJobs() {
  LiveRun live{jobName_, status_, isRunning()};
  if (counters_) {
    const int64_t step = counters_->step.load(), steps = counters_->steps.load();
    live.units = counters_->done.load() * kBarUnitsPerVariant + (steps > 0 ? step * kBarUnitsPerVariant / steps : 0);
    live.maximum = counters_->total.load() * kBarUnitsPerVariant;
  }
  jobs_->refresh(live);
  updateControls();
}

// What the buttons offer follows the selected job's state in the store (core's job_actions) and
// whether this Studio is running it.
void GenerationPanel::updateControls() {
  const QString job = jobs_->selectedJob();
  const auto progress = jobs_->selectedProgress();
  const JobActions actions = progress ? job_actions(*progress) : JobActions{};
  const bool runningThis = isRunning() && !job.isEmpty() && job == jobName_;
  if (runningThis) {
    pauseButton_->setText(pausing_ ? tr("Resume") : tr("Pause"));
    pauseButton_->setEnabled(!pausing_ && actions.pause);  // once the job is in the store
  } else {
    pauseButton_->setText(actions.resume ? tr("Resume") : tr("Pause"));
    pauseButton_->setEnabled(actions.resume && !isRunning());
  }
  cancelButton_->setEnabled(runningThis || actions.cancel);
  retryButton_->setEnabled(actions.retry_failed);
}

void GenerationPanel::onFinished() {
  timer_->stop();
  poll();
  status_ = watcher_.result();
  eta_->setText(status_);
  pausing_ = false;
  RunRequest choices;
  QString why;
  startButton_->setEnabled(choices_->fillRequest(choices, why));  // the choices may have changed meanwhile
  refreshJobs();
  emit session_.variantsChanged();
  emit jobFinished(status_);
}

}  // namespace backdrop::ui
