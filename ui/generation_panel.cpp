#include "ui/generation_panel.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QStringList>
#include <QTableWidget>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent>

#include "core/generation/jobs_sqlite_queue.h"
#include "ui/banner.h"
#include "ui/generation_choices.h"
#include "ui/generation_run.h"
#include "ui/project_session.h"
#include "ui/studio_settings.h"

namespace backdrop::ui {
namespace {

constexpr int64_t kUnitsPerVariant = 100;

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
  pauseButton_->setEnabled(false);
  cancelButton_->setEnabled(false);
  overall_ = new QProgressBar;
  overall_->setObjectName("overallProgress");
  overall_->setValue(0);
  eta_ = new QLabel(tr("No job running."));
  eta_->setObjectName("generationEta");
  eta_->setWordWrap(true);  // a failed run's reason can be long
  jobs_ = new QTableWidget(0, 3);
  jobs_->setObjectName("jobTable");
  jobs_->setHorizontalHeaderLabels({tr("Job"), tr("Progress"), tr("State")});
  jobs_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  jobs_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
  jobs_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
  jobs_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  timer_ = new QTimer(this);
  timer_->setInterval(250);

  connect(startButton_, &QPushButton::clicked, this, &GenerationPanel::startRequested);
  connect(pauseButton_, &QPushButton::clicked, this, &GenerationPanel::togglePause);
  connect(cancelButton_, &QPushButton::clicked, this, &GenerationPanel::cancel);
  connect(timer_, &QTimer::timeout, this, &GenerationPanel::poll);
  connect(&watcher_, &QFutureWatcher<QString>::finished, this, &GenerationPanel::onFinished);

  connect(choices_, &GenerationChoices::validityChanged, this,
          [this](bool plannable) { startButton_->setEnabled(plannable && !isRunning()); });

  auto* controls = new QHBoxLayout;
  controls->addStretch();
  controls->addWidget(startButton_);
  controls->addWidget(pauseButton_);
  controls->addWidget(cancelButton_);
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
}

GenerationPanel::~GenerationPanel() {
  cancel_.cancel();  // a generation in flight stops at its next variant; watcher_ waits for it
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

bool GenerationPanel::start(const QStringList& productIds) {
  if (isRunning() || !session_.isOpen()) return false;
  RunRequest request;  // kept for the job: a resume plans the same variants
  QString why;
  if (!choices_->fillRequest(request, why)) {
    eta_->setText(why);
    return false;
  }
  for (const auto& id : productIds) request.choices.products.push_back(id.toStdString());
  jobChoices_ = std::move(request);
  jobName_ = QStringLiteral("studio-%1").arg(QDateTime::currentDateTimeUtc().toString("yyyyMMdd-hhmmsszzz"));
  addJobRow();
  launch();
  return true;
}

void GenerationPanel::addJobRow() {
  const auto products = static_cast<int>(jobChoices_.choices.products.size());
  const int row = jobs_->rowCount();
  jobs_->insertRow(row);
  jobs_->setItem(row, 0,
                 new QTableWidgetItem(tr("%1 (%2)").arg(jobName_).arg(
                     products == 0 ? tr("all products") : tr("%n product(s)", nullptr, products))));
  auto* bar = new QProgressBar;
  bar->setObjectName("jobProgress");
  jobs_->setCellWidget(row, 1, bar);
  jobs_->setItem(row, 2, new QTableWidgetItem(tr("planning")));
}

void GenerationPanel::launch() {
  paused_ = false;
  pauseButton_->setText(tr("Pause"));
  cancel_ = CancellationToken();
  counters_ = std::make_shared<GenerationCounters>();
  lastDone_ = 0;
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
  watcher_.setFuture(QtConcurrent::run([request, counters, cancel]() -> QString {
    try {
      return runGeneration(request, *counters, cancel);
    } catch (const Cancelled&) {
      return tr("cancelled");  // while products were still being prepared, before the job started
    } catch (const std::exception& error) {
      return tr("failed: %1").arg(QString::fromStdString(error.what()));
    }
  }));
  startButton_->setEnabled(false);
  pauseButton_->setEnabled(false);  // until the job is in the queue: pausing earlier would be overwritten
  cancelButton_->setEnabled(true);
  timer_->start();
}

void GenerationPanel::togglePause() {
  if (jobName_.isEmpty()) return;
  if (!paused_) {
    // The runner finishes the tasks in flight and returns; Resume starts it again on the same job.
    SqliteJobQueue(session_.file().toStdString(), jobName_.toStdString()).set_state(JobState::paused);
    paused_ = true;
    pauseButton_->setText(tr("Resume"));
    pauseButton_->setEnabled(false);  // Resume once the tasks in flight are done
    return;
  }
  if (isRunning()) return;
  launch();  // the same job: its finished tasks stay done
}

void GenerationPanel::cancel() { cancel_.cancel(); }

void GenerationPanel::poll() {
  const int64_t done = counters_->done.load(), total = counters_->total.load();
  // Bars count hundredths of a variant, so a diffusion variant's denoising steps move them.
  const int64_t step = counters_->step.load(), steps = counters_->steps.load();
  const bool painting = steps > 0 && step < steps && done < total;
  const int64_t units = done * kUnitsPerVariant + (painting ? step * kUnitsPerVariant / steps : 0);
  overall_->setMaximum(static_cast<int>(std::max<int64_t>(total * kUnitsPerVariant, 1)));
  overall_->setValue(static_cast<int>(units));
  if (done > 0 && total > done) {
    const double seconds = elapsed_.elapsed() / 1000.0 * static_cast<double>(total - done) / static_cast<double>(done);
    eta_->setText(tr("%1 of %2 variants · about %3 s left").arg(done).arg(total).arg(qRound(seconds)));
  } else {
    eta_->setText(tr("%1 of %2 variants").arg(done).arg(total));
  }
  const QString state = paused_    ? tr("pausing")
                        : painting ? tr("running · step %1 of %2").arg(step).arg(steps)
                                   : tr("running");
  updateJobRow(units, total * kUnitsPerVariant, state);
  if (!paused_ && total > 0) pauseButton_->setEnabled(true);
  if (done != lastDone_) {  // results appear while the job runs
    lastDone_ = done;
    emit session_.variantsChanged();
  }
}

void GenerationPanel::updateJobRow(int64_t value, int64_t maximum, const QString& state) {
  const int row = jobs_->rowCount() - 1;
  if (row < 0) return;
  if (auto* bar = qobject_cast<QProgressBar*>(jobs_->cellWidget(row, 1))) {
    bar->setMaximum(static_cast<int>(std::max<int64_t>(maximum, 1)));
    bar->setValue(static_cast<int>(value));
  }
  jobs_->item(row, 2)->setText(state);
}

void GenerationPanel::onFinished() {
  timer_->stop();
  poll();
  const QString summary = watcher_.result();
  updateJobRow(counters_->done.load() * kUnitsPerVariant, counters_->total.load() * kUnitsPerVariant, summary);
  eta_->setText(summary);
  RunRequest choices;
  QString why;
  startButton_->setEnabled(choices_->fillRequest(choices, why));  // the choices may have changed meanwhile
  pauseButton_->setEnabled(paused_);
  cancelButton_->setEnabled(false);
  emit session_.variantsChanged();
  emit jobFinished(summary);
}

}  // namespace backdrop::ui
