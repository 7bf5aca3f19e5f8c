#include "ui/jobs_view.h"

#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

#include "core/store/project.h"
#include "ui/project_session.h"

namespace backdrop::ui {
namespace {

enum Column { kName, kBar, kState, kDone, kFailed, kPending, kTotal };

// The table's item at (row, column), made when missing: rows are updated in place on every poll.
QTableWidgetItem* cell(QTableWidget* table, int row, int column, bool number = false) {
  auto* item = table->item(row, column);
  if (item == nullptr) {
    item = new QTableWidgetItem;
    if (number) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    table->setItem(row, column, item);
  }
  return item;
}

QTableWidget* makeTable(const char* name, const QStringList& headers) {
  auto* table = new QTableWidget(0, static_cast<int>(headers.size()));
  table->setObjectName(name);
  table->setHorizontalHeaderLabels(headers);
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->setSelectionBehavior(QAbstractItemView::SelectRows);
  table->setSelectionMode(QAbstractItemView::SingleSelection);
  table->verticalHeader()->setVisible(false);
  return table;
}

QString failureText(const FailedTask& task, int column) {
  const auto& inputs = task.inputs;
  switch (column) {
    case 0:
      return QString::fromStdString(inputs.product_id);
    case 1:
      return QString::fromStdString(inputs.placement.name);
    case 2:
      return QString::number(inputs.seed);
    case 3:
      return QString::fromStdString(inputs.prompt);
    default:
      return QString::fromStdString(task.error);
  }
}

}  // namespace

QString storedStatus(const JobProgress& progress) {
  if (progress.state == JobState::cancelled) return QObject::tr("cancelled");
  if (progress.state == JobState::paused) return QObject::tr("paused");
  if (progress.finished()) return QObject::tr("finished");
  return QObject::tr("active, not running here");  // a closed Studio's job, or one CLI workers run
}

JobsView::JobsView(ProjectSession& session, QWidget* parent) : QWidget(parent), session_(session) {
  jobs_ = makeTable("jobTable",
                    {tr("Job"), tr("Progress"), tr("State"), tr("Done"), tr("Failed"), tr("Pending"), tr("Total")});
  jobs_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  jobs_->horizontalHeader()->setSectionResizeMode(kBar, QHeaderView::Stretch);
  failuresTitle_ = new QLabel;
  failuresTitle_->setObjectName("failedTasksTitle");
  failures_ = makeTable("failedTasks", {tr("Product"), tr("Placement"), tr("Seed"), tr("Prompt"), tr("Reason")});
  failures_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  failures_->horizontalHeader()->setStretchLastSection(true);
  failures_->setWordWrap(true);
  connect(jobs_, &QTableWidget::itemSelectionChanged, this, [this] {
    showFailures();
    emit selectionChanged();
  });
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(jobs_, 2);
  layout->addWidget(failuresTitle_);
  layout->addWidget(failures_, 1);
}

void JobsView::refresh(const LiveRun& live) {
  stored_ = session_.isOpen() ? job_overviews(session_.project()) : std::vector<JobOverview>{};
  const bool liveStored = std::any_of(stored_.begin(), stored_.end(), [&](const JobOverview& job) {
    return QString::fromStdString(job.name) == live.job;
  });
  const int rows = static_cast<int>(stored_.size()) + (live.job.isEmpty() || liveStored ? 0 : 1);
  jobs_->setRowCount(rows);
  for (int row = 0; row < static_cast<int>(stored_.size()); ++row) {
    const auto& job = stored_[static_cast<std::size_t>(row)];
    const QString name = QString::fromStdString(job.name);
    const auto& counts = job.progress;
    const int64_t units = (counts.done + counts.failed) * kBarUnitsPerVariant;
    if (name == live.job && live.running) {
      showRow(row, name, live.status, counts, std::max(units, live.units), counts.total() * kBarUnitsPerVariant);
    } else {
      showRow(row, name, storedStatus(counts), counts, units, counts.total() * kBarUnitsPerVariant);
    }
  }
  if (!liveStored && !live.job.isEmpty()) showRow(rows - 1, live.job, live.status, {}, live.units, live.maximum);
  if (rows > 0 && jobs_->selectionModel()->selectedRows().isEmpty()) jobs_->selectRow(rows - 1);
  showFailures();
}

void JobsView::showRow(int row, const QString& name, const QString& status, const JobProgress& counts, int64_t units,
                       int64_t maximum) {
  cell(jobs_, row, kName)->setText(name);
  cell(jobs_, row, kState)->setText(status);
  const bool stored = counts.total() > 0;
  cell(jobs_, row, kDone, true)->setText(stored ? QString::number(counts.done) : QString());
  cell(jobs_, row, kFailed, true)->setText(stored ? QString::number(counts.failed) : QString());
  cell(jobs_, row, kPending, true)->setText(stored ? QString::number(counts.pending + counts.claimed) : QString());
  cell(jobs_, row, kTotal, true)->setText(stored ? QString::number(counts.total()) : QString());
  auto* bar = qobject_cast<QProgressBar*>(jobs_->cellWidget(row, kBar));
  if (bar == nullptr) {
    bar = new QProgressBar;
    bar->setObjectName("jobProgress");
    jobs_->setCellWidget(row, kBar, bar);
  }
  bar->setMaximum(static_cast<int>(std::max<int64_t>(maximum, 1)));
  bar->setValue(static_cast<int>(std::min(units, std::max<int64_t>(maximum, 1))));
}

void JobsView::select(const QString& job) {
  for (int row = 0; row < jobs_->rowCount(); ++row) {
    if (jobs_->item(row, kName) && jobs_->item(row, kName)->text() == job) jobs_->selectRow(row);
  }
}

QString JobsView::selectedJob() const {
  const auto selected = jobs_->selectionModel()->selectedRows();
  const int row = selected.isEmpty() ? jobs_->rowCount() - 1 : selected.front().row();
  return row >= 0 && jobs_->item(row, kName) ? jobs_->item(row, kName)->text() : QString();
}

std::optional<JobProgress> JobsView::selectedProgress() const {
  const QString job = selectedJob();
  for (const auto& stored : stored_) {
    if (QString::fromStdString(stored.name) == job) return stored.progress;
  }
  return std::nullopt;
}

void JobsView::showFailures() {
  const QString job = selectedJob();
  const auto progress = selectedProgress();
  const int64_t failed = progress ? progress->failed : 0;
  const std::pair<int64_t, int64_t> counts{failed, progress ? progress->done : 0};
  if (job == failuresOf_ && counts == failuresCounts_) return;
  failuresOf_ = job;
  failuresCounts_ = counts;
  const auto tasks =
      failed > 0 && session_.isOpen() ? failed_tasks(session_.project(), job.toStdString()) : std::vector<FailedTask>{};
  failures_->setRowCount(static_cast<int>(tasks.size()));
  for (int row = 0; row < failures_->rowCount(); ++row) {
    for (int column = 0; column < failures_->columnCount(); ++column) {
      cell(failures_, row, column)->setText(failureText(tasks[static_cast<std::size_t>(row)], column));
    }
  }
  failuresTitle_->setText(job.isEmpty()   ? QString()
                          : tasks.empty() ? tr("No failed variants in %1.").arg(job)
                                          : tr("Failed variants of %1, with the reason each failed:").arg(job));
}

}  // namespace backdrop::ui
