#include "ui/generation_panel.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <set>

#include "core/generation/jobs_plan.h"
#include "core/generation/jobs_runner.h"
#include "core/generation/jobs_sqlite_queue.h"
#include "core/store/project.h"
#include "ui/banner.h"
#include "ui/product_files.h"
#include "ui/project_session.h"
#include "ui/studio_backdrop_renderer.h"
#include "ui/studio_settings.h"

namespace backdrop::ui {
namespace {

// A hand-fixed or prepared mask is a pixel input: its hash goes into the variant key, so fixing one
// product's mask gives new variants for that product only.
void useProductMask(VariantInputs& inputs, const std::filesystem::path& cache) {
  QFile mask(QString::fromStdString(product_mask_path(cache, inputs.product_id).string()));
  if (!mask.open(QIODevice::ReadOnly)) return;
  inputs.mask.method = "file:" + QCryptographicHash::hash(mask.readAll(), QCryptographicHash::Sha256).toHex().left(16).toStdString();
}

// Runs on a worker thread with its own connections to the project file.
QString runGeneration(const std::string& projectFile, const std::string& jobName, const QStringList& productIds,
                      int seeds, int threads, std::atomic<int64_t>* done, std::atomic<int64_t>* total,
                      const CancellationToken& cancel) {
  auto project = Project::open(projectFile);
  const auto cache = project.cache_dir();
  std::map<std::string, std::string> categories;
  for (const auto& product : project.products().list()) categories[product.external_id] = product.category;
  GenerationSettings settings;
  settings.seeds = seeds;
  std::vector<VariantInputs> variants;
  const std::set<QString> wanted(productIds.begin(), productIds.end());
  for (auto& inputs : plan_variants(project, settings)) {
    if (!wanted.empty() && !wanted.contains(QString::fromStdString(inputs.product_id))) continue;
    useProductMask(inputs, cache);
    variants.push_back(std::move(inputs));
  }
  SqliteJobQueue queue(projectFile, jobName);
  queue.submit(variants);
  queue.set_state(JobState::active);
  StudioBackdropRenderer renderer(cache, categories);
  JobRunOptions options;
  options.threads = threads;
  const auto summary = run_job(queue, renderer, CacheStore(cache), options,
                               [done, total](const Progress& progress) {
                                 done->store(progress.done);
                                 total->store(progress.total);
                               },
                               cancel);
  done->store(summary.progress.done + summary.progress.failed);
  total->store(summary.progress.total());
  return QObject::tr("%1: %2 rendered, %3 reused, %4 failed")
      .arg(QString::fromStdString(to_string(summary.outcome)))
      .arg(summary.rendered)
      .arg(summary.reused)
      .arg(summary.failed);
}

}  // namespace

GenerationPanel::GenerationPanel(ProjectSession& session, QWidget* parent) : QWidget(parent), session_(session) {
  setObjectName("generationPanel");
  banner_ = makeBanner("noWeightsBanner");
  seeds_ = new QSpinBox;
  seeds_->setObjectName("seedCount");
  seeds_->setRange(1, 16);
  seeds_->setValue(1);
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

  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Seeds per prompt")));
  controls->addWidget(seeds_);
  controls->addStretch();
  controls->addWidget(startButton_);
  controls->addWidget(pauseButton_);
  controls->addWidget(cancelButton_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(banner_);
  layout->addWidget(new QLabel(tr("Each product of the selection is generated with every prompt of its category's "
                                  "approved prompt set (or the default prompt), every colour and every placement.")));
  layout->addLayout(controls);
  layout->addWidget(overall_);
  layout->addWidget(eta_);
  layout->addWidget(jobs_, 1);
  refreshBanner();
}

void GenerationPanel::refreshBanner() {
  const bool weights = StudioSettings::load().hasDiffusionWeights();
  banner_->setText(weights ? QString()
                           : tr("<b>No diffusion weights configured.</b> Studio-backdrop variants (the product on "
                                "a soft studio colour) are made instead. Set the checkpoint and ControlNet in "
                                "Settings to generate diffusion backgrounds."));
  banner_->setVisible(!weights);
}

bool GenerationPanel::start(const QStringList& productIds) {
  if (isRunning() || !session_.isOpen()) return false;
  jobName_ = QStringLiteral("studio-%1").arg(QDateTime::currentDateTimeUtc().toString("yyyyMMdd-hhmmsszzz"));
  productIds_ = productIds;
  addJobRow();
  launch();
  return true;
}

void GenerationPanel::addJobRow() {
  const QStringList& productIds = productIds_;
  const int row = jobs_->rowCount();
  jobs_->insertRow(row);
  jobs_->setItem(row, 0, new QTableWidgetItem(tr("%1 (%2)").arg(jobName_).arg(
                             productIds.isEmpty() ? tr("all products") : tr("%n product(s)", nullptr, productIds.size()))));
  auto* bar = new QProgressBar;
  bar->setObjectName("jobProgress");
  jobs_->setCellWidget(row, 1, bar);
  jobs_->setItem(row, 2, new QTableWidgetItem(tr("planning")));
}

void GenerationPanel::launch() {
  paused_ = false;
  pauseButton_->setText(tr("Pause"));
  cancel_ = CancellationToken();
  counters_ = std::make_shared<Counters>();
  lastDone_ = 0;
  elapsed_.start();
  const StudioSettings settings = StudioSettings::load();
  const int threads = settings.threads > 0 ? settings.threads : std::max(1, QThread::idealThreadCount());
  const std::string file = session_.file().toStdString();
  const std::string job = jobName_.toStdString();
  const int seeds = seeds_->value();
  const QStringList productIds = productIds_;
  auto counters = counters_;
  const CancellationToken cancel = cancel_;
  // `counters` is captured by value, so the worker's counters outlive a restarted panel state.
  watcher_.setFuture(QtConcurrent::run([=]() -> QString {
    try {
      return runGeneration(file, job, productIds, seeds, threads, &counters->done, &counters->total, cancel);
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
  overall_->setMaximum(static_cast<int>(std::max<int64_t>(total, 1)));
  overall_->setValue(static_cast<int>(done));
  if (done > 0 && total > done) {
    const double seconds = elapsed_.elapsed() / 1000.0 * static_cast<double>(total - done) / static_cast<double>(done);
    eta_->setText(tr("%1 of %2 variants · about %3 s left").arg(done).arg(total).arg(qRound(seconds)));
  } else {
    eta_->setText(tr("%1 of %2 variants").arg(done).arg(total));
  }
  updateJobRow(done, total, paused_ ? tr("pausing") : tr("running"));
  if (!paused_ && total > 0) pauseButton_->setEnabled(true);
  if (done != lastDone_) {  // results appear while the job runs
    lastDone_ = done;
    emit session_.variantsChanged();
  }
}

void GenerationPanel::updateJobRow(int64_t done, int64_t total, const QString& state) {
  const int row = jobs_->rowCount() - 1;
  if (row < 0) return;
  if (auto* bar = qobject_cast<QProgressBar*>(jobs_->cellWidget(row, 1))) {
    bar->setMaximum(static_cast<int>(std::max<int64_t>(total, 1)));
    bar->setValue(static_cast<int>(done));
  }
  jobs_->item(row, 2)->setText(state);
}

void GenerationPanel::onFinished() {
  timer_->stop();
  poll();
  const QString summary = watcher_.result();
  updateJobRow(counters_->done.load(), counters_->total.load(), summary);
  eta_->setText(summary);
  startButton_->setEnabled(true);
  pauseButton_->setEnabled(paused_);
  cancelButton_->setEnabled(false);
  emit session_.variantsChanged();
  emit jobFinished(summary);
}

}  // namespace backdrop::ui
