#include "ui/experiments_panel.h"

#include <algorithm>

#include <qcustomplot.h>
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

#include "core/experiment/experiment_log.h"

namespace backdrop::ui {
namespace {

using namespace backdrop::experiment;

const QStringList kHeaders{QObject::tr("Experiment"),   QObject::tr("Slice"),         QObject::tr("Group"),
                           QObject::tr("Kind"),         QObject::tr("Share"),         QObject::tr("Users"),
                           QObject::tr("Impressions"),  QObject::tr("Clicks"),        QObject::tr("CTR [95%]"),
                           QObject::tr("Uplift [95%]"), QObject::tr("Bootstrap 95%"), QObject::tr("p"),
                           QObject::tr("MDE"),          QObject::tr("Sample ratio")};

const QList<QColor> kGroupColours{QColor(30, 110, 200), QColor(220, 130, 30), QColor(40, 150, 80),
                                  QColor(170, 60, 160), QColor(200, 60, 40),  QColor(90, 90, 90)};

ExperimentsResult computeReport(const QString& folder, const ReportOptions& options, const ProgressSink& progress,
                                const CancellationToken& cancel) {
  ExperimentsResult result;
  try {
    ExperimentLogOptions read;
    read.attribution_window_hours = options.attribution_window_hours;
    read.progress = progress;
    read.cancel = cancel;
    const auto log = load_experiment_log(folder.toStdString(), read);
    result.report = build_experiment_report(log.impressions, options);
    result.summary = QObject::tr(
                         "%1 experiment impressions in %2; %3 lines skipped, %4 clicks after the window, "
                         "%5 clicks without an impression")
                         .arg(log.impressions.size())
                         .arg(log.files == 1 ? QObject::tr("1 file") : QObject::tr("%1 files").arg(log.files))
                         .arg(log.skipped.size())
                         .arg(log.late_clicks)
                         .arg(log.unmatched_clicks);
    if (log.impressions.empty()) result.error = QObject::tr("no impression in %1 carries an experiment").arg(folder);
  } catch (const std::exception& error) {
    result.error = QString::fromStdString(error.what());
  }
  return result;
}

QString sliceLabel(const SliceReport& slice) {
  QStringList parts;
  if (slice.category) parts << QString::fromStdString(*slice.category);
  if (slice.placement) parts << QString::fromStdString(*slice.placement);
  return parts.isEmpty() ? QObject::tr("all") : parts.join(QStringLiteral(" · "));
}

QString percent(double value) {
  return QStringLiteral("%1%2%").arg(value >= 0 ? "+" : "").arg(100.0 * value, 0, 'f', 1);
}

QString withPercentInterval(double value, const Interval& interval) {
  return QStringLiteral("%1 [%2, %3]").arg(percent(value), percent(interval.low), percent(interval.high));
}

QTableWidgetItem* numberItem(const QString& text, double value) {
  auto* item = new QTableWidgetItem(text);
  item->setData(Qt::UserRole, value);
  item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  return item;
}

QTableWidgetItem* intervalItem(const QString& text, double value, const Interval& interval) {
  auto* item = numberItem(text, value);
  item->setData(Qt::UserRole + 1, interval.low);
  item->setData(Qt::UserRole + 2, interval.high);
  return item;
}

// One table row's cells for `group` of `slice`.
void fillRow(QTableWidget* table, int row, const SliceReport& slice, const GroupReport& group) {
  using Panel = ExperimentsPanel;
  const auto set = [&](int column, QTableWidgetItem* item) { table->setItem(row, column, item); };
  set(Panel::kExperiment, new QTableWidgetItem(QString::fromStdString(slice.experiment)));
  set(Panel::kSlice, new QTableWidgetItem(sliceLabel(slice)));
  set(Panel::kGroup, new QTableWidgetItem(QString::fromStdString(group.group) +
                                          (group.control ? QObject::tr(" (control)") : QString())));
  set(Panel::kKind, new QTableWidgetItem(QString::fromStdString(group.kind)));
  set(Panel::kShare, numberItem(QString::number(group.planned_share, 'g', 3), group.planned_share));
  set(Panel::kUsers, numberItem(QString::number(group.users), static_cast<double>(group.users)));
  set(Panel::kImpressions, numberItem(QString::number(group.impressions), static_cast<double>(group.impressions)));
  set(Panel::kClicks, numberItem(QString::number(group.clicks), static_cast<double>(group.clicks)));
  set(Panel::kCtr, intervalItem(QStringLiteral("%1 [%2, %3]")
                                    .arg(group.ctr, 0, 'f', 4)
                                    .arg(group.ctr_ci.low, 0, 'f', 4)
                                    .arg(group.ctr_ci.high, 0, 'f', 4),
                                group.ctr, group.ctr_ci));
  if (group.uplift && group.uplift_ci) {
    set(Panel::kUplift,
        intervalItem(withPercentInterval(*group.uplift, *group.uplift_ci), *group.uplift, *group.uplift_ci));
  } else {
    set(Panel::kUplift, new QTableWidgetItem(group.control ? QObject::tr("control") : QObject::tr("–")));
  }
  if (group.uplift_bootstrap_ci) {
    const auto& ci = *group.uplift_bootstrap_ci;
    set(Panel::kBootstrap, intervalItem(QStringLiteral("[%1, %2]").arg(percent(ci.low), percent(ci.high)), 0.0, ci));
  }
  if (group.p_value) set(Panel::kPValue, numberItem(QString::number(*group.p_value, 'f', 4), *group.p_value));
  if (group.minimum_detectable_uplift) {
    set(Panel::kMde, numberItem(QString::number(100.0 * *group.minimum_detectable_uplift, 'f', 1) + "%",
                                *group.minimum_detectable_uplift));
  }
  const auto& ratio = slice.sample_ratio;
  auto* srm = numberItem(QObject::tr("p %1 (%2)%3")
                             .arg(ratio.p_value, 0, 'g', 3)
                             .arg(QString::fromStdString(slice.sample_ratio_unit))
                             .arg(ratio.mismatch ? QObject::tr(" MISMATCH") : QString()),
                         ratio.p_value);
  if (ratio.mismatch) srm->setForeground(QColor(200, 40, 40));
  set(Panel::kSampleRatio, srm);
}

}  // namespace

ExperimentsPanel::ExperimentsPanel(QWidget* parent) : QWidget(parent) {
  setObjectName("experimentsPanel");
  folder_ = new QLineEdit;
  folder_->setObjectName("experimentLogFolder");
  folder_->setReadOnly(true);
  folder_->setPlaceholderText(tr("a folder of backdrop-serve's impression logs (*.jsonl)"));
  auto* choose = new QPushButton(tr("Choose Log Folder…"));
  choose->setObjectName("chooseExperimentLogs");
  byCategory_ = new QCheckBox(tr("by category"));
  byCategory_->setObjectName("experimentsByCategory");
  byPlacement_ = new QCheckBox(tr("by placement"));
  byPlacement_->setObjectName("experimentsByPlacement");
  byPlacement_->setChecked(true);
  window_ = new QDoubleSpinBox;
  window_->setObjectName("attributionWindow");
  window_->setRange(0, 24 * 90);
  window_->setSuffix(tr(" h"));
  window_->setValue(kDefaultAttributionWindowHours);
  window_->setToolTip(tr("A click counts when it comes at most this long after its impression"));
  status_ = new QLabel(tr("Choose the folder backdrop-serve writes its logs to."));
  status_->setObjectName("experimentsStatus");
  status_->setWordWrap(true);

  table_ = new QTableWidget(0, kColumnCount);
  table_->setObjectName("experimentsTable");
  table_->setHorizontalHeaderLabels(kHeaders);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  chart_ = new QCustomPlot;
  chart_->setObjectName("experimentsChart");
  chart_->setMinimumHeight(240);
  chart_->plotLayout()->insertRow(0);
  chart_->plotLayout()->addElement(0, 0,
                                   new QCPTextElement(chart_, tr("Relative CTR gain over the control (95% interval)"),
                                                      QFont("sans", 10, QFont::Bold)));

  connect(choose, &QPushButton::clicked, this, &ExperimentsPanel::chooseFolder);
  connect(byCategory_, &QCheckBox::toggled, this, &ExperimentsPanel::recompute);
  connect(byPlacement_, &QCheckBox::toggled, this, &ExperimentsPanel::recompute);
  connect(window_, &QDoubleSpinBox::editingFinished, this, &ExperimentsPanel::recompute);
  connect(&watcher_, &QFutureWatcher<ExperimentsResult>::finished, this, &ExperimentsPanel::showResult);

  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Logs")));
  controls->addWidget(folder_, 1);
  controls->addWidget(choose);
  controls->addWidget(byCategory_);
  controls->addWidget(byPlacement_);
  controls->addWidget(new QLabel(tr("Attribution window")));
  controls->addWidget(window_);
  auto* split = new QSplitter(Qt::Vertical);
  split->addWidget(table_);
  split->addWidget(chart_);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(controls);
  layout->addWidget(status_);
  layout->addWidget(split, 1);
}

ExperimentsPanel::~ExperimentsPanel() {
  cancel_.cancel();  // reading a large folder stops at its next block of lines; watcher_ waits
}

ReportOptions ExperimentsPanel::reportOptions() const {
  ReportOptions options;
  options.by_category = byCategory_->isChecked();
  options.by_placement = byPlacement_->isChecked();
  options.attribution_window_hours = window_->value();
  return options;
}

bool ExperimentsPanel::loadLogs(const QString& folder) {
  if (watcher_.isRunning()) return false;
  folder_->setText(folder);
  status_->setText(tr("Computing the report of %1…").arg(folder));
  const ReportOptions options = reportOptions();
  cancel_ = CancellationToken();
  // Progress comes from the worker; the label is updated on the GUI thread while it still exists.
  QPointer<QLabel> status = status_;
  const ProgressSink progress = [status](const Progress& step) {
    const QString text =
        QObject::tr("Computing the report: %1 (%2 lines)").arg(QString::fromStdString(step.message)).arg(step.done);
    QMetaObject::invokeMethod(
        status,
        [status, text] {
          if (status) status->setText(text);
        },
        Qt::QueuedConnection);
  };
  watcher_.setFuture(QtConcurrent::run(
      [folder, options, progress, cancel = cancel_] { return computeReport(folder, options, progress, cancel); }));
  return true;
}

void ExperimentsPanel::chooseFolder() {
  const QString folder = QFileDialog::getExistingDirectory(this, tr("Experiment Log Folder"), folder_->text());
  if (!folder.isEmpty()) loadLogs(folder);
}

void ExperimentsPanel::recompute() {
  if (folder_->text().isEmpty()) return;
  if (watcher_.isRunning()) {
    pending_ = true;  // computed again with the new settings when this one is shown
    return;
  }
  loadLogs(folder_->text());
}

void ExperimentsPanel::showResult() {
  const ExperimentsResult result = watcher_.result();
  if (pending_) {
    pending_ = false;
    loadLogs(folder_->text());
    return;
  }
  if (!result.error.isEmpty()) {
    status_->setText(tr("Cannot report: %1").arg(result.error));
    emit reportReady(status_->text());
    return;
  }
  report_ = result.report;
  status_->setText(result.summary);
  fillTable();
  drawChart();
  emit reportReady(status_->text());
}

void ExperimentsPanel::fillTable() {
  table_->setRowCount(0);
  for (const auto& slice : report_.experiments) {
    for (const auto& group : slice.groups) {
      const int row = table_->rowCount();
      table_->insertRow(row);
      fillRow(table_, row, slice, group);
    }
  }
}

// Figure 4 of the paper: per slice, a bar per group with its uplift over the control and 95%
// error bars (the delta-method interval).
void ExperimentsPanel::drawChart() {
  chart_->clearPlottables();
  QStringList groups;
  for (const auto& slice : report_.experiments) {
    for (const auto& group : slice.groups) {
      const auto name = QString::fromStdString(group.group);
      if (!group.control && !groups.contains(name)) groups << name;
    }
  }
  auto* together = new QCPBarsGroup(chart_);
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  const int slices = static_cast<int>(report_.experiments.size());
  const bool severalExperiments =
      std::any_of(report_.experiments.begin(), report_.experiments.end(),
                  [&](const auto& slice) { return slice.experiment != report_.experiments.front().experiment; });
  for (int s = 0; s < slices; ++s) {
    const auto& slice = report_.experiments[static_cast<std::size_t>(s)];
    const QString label = sliceLabel(slice);
    ticker->addTick(s + 1, severalExperiments ? QString::fromStdString(slice.experiment) + "\n" + label : label);
  }
  for (int g = 0; g < groups.size(); ++g) {
    QVector<double> x, y, below, above;
    for (int s = 0; s < slices; ++s) {
      for (const auto& group : report_.experiments[static_cast<std::size_t>(s)].groups) {
        if (QString::fromStdString(group.group) != groups[g] || !group.uplift || !group.uplift_ci) continue;
        x << s + 1;
        y << 100.0 * *group.uplift;
        below << 100.0 * (*group.uplift - group.uplift_ci->low);
        above << 100.0 * (group.uplift_ci->high - *group.uplift);
      }
    }
    const QColor colour = kGroupColours[g % kGroupColours.size()];
    auto* bars = new QCPBars(chart_->xAxis, chart_->yAxis);
    bars->setName(groups[g]);
    bars->setData(x, y);
    bars->setWidth(0.7 / std::max<qsizetype>(1, groups.size()));
    bars->setBrush(QColor(colour.red(), colour.green(), colour.blue(), 170));
    bars->setPen(QPen(colour));
    bars->setBarsGroup(together);
    auto* errors = new QCPErrorBars(chart_->xAxis, chart_->yAxis);
    errors->removeFromLegend();
    errors->setDataPlottable(bars);
    errors->setData(below, above);
    errors->setPen(QPen(Qt::black, 1.2));
    errors->setSymbolGap(0);
  }
  chart_->xAxis->setTicker(ticker);
  chart_->xAxis->setRange(0.4, slices + 0.6);
  chart_->yAxis->setLabel(tr("CTR gain over the control (%)"));
  chart_->yAxis->rescale(true);
  chart_->yAxis->scaleRange(1.2);
  chart_->legend->setVisible(!groups.isEmpty());
  chart_->replot();
}

}  // namespace backdrop::ui
