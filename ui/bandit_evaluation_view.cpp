#include "ui/bandit_evaluation_view.h"

#include <qcustomplot.h>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

#include "ui/bandit_plots.h"

namespace backdrop::ui {
namespace {

using bandit::Estimator;

constexpr Estimator kShownEstimators[] = {Estimator::ipw, Estimator::snipw, Estimator::dr, Estimator::sndr};

// "6.3% [5.9, 6.8]"
QString withInterval(double value, const bandit::Interval& interval) {
  return QStringLiteral("%1  [%2, %3]")
      .arg(QString::fromStdString(bandit::percent(value)))
      .arg(100 * interval.low, 0, 'f', 2)
      .arg(100 * interval.high, 0, 'f', 2);
}

QString policyLabel(const std::string& name) {
  if (name == "linucb") return QObject::tr("LinUCB (fitted on the first half)");
  if (name == "random") return QObject::tr("Uniform random");
  return QString::fromStdString(name);
}

EvaluationResult evaluateLogs(const exporting::CategoryLogs& logs, const ProgressSink& progress,
                              const CancellationToken& cancel) {
  EvaluationResult result;
  result.source = QObject::tr("%1 impressions and %2 clicks of %3's approved prompts")
                      .arg(logs.impressions())
                      .arg(logs.clicks())
                      .arg(QString::fromStdString(logs.category));
  try {
    bandit::EvaluationOptions options;
    options.replay_modes = {bandit::ReplayMode::all_positions_top1};
    options.progress = progress;
    options.cancel = cancel;
    result.evaluation = bandit::evaluate_on_holdout(logs.feedback, logs.schema, options);
    result.verdict = bandit::evaluation_verdict(result.evaluation);
  } catch (const Cancelled&) {
    result.error = QObject::tr("cancelled");
  } catch (const std::exception& error) {
    result.error = QString::fromStdString(error.what());
  }
  return result;
}

}  // namespace

BanditEvaluationView::BanditEvaluationView(QWidget* parent) : QWidget(parent) {
  evaluateButton_ = new QPushButton(tr("Evaluate Policies"));
  evaluateButton_->setObjectName("evaluatePolicies");
  evaluateButton_->setEnabled(false);
  cancelButton_ = new QPushButton(tr("Cancel"));
  cancelButton_->setObjectName("cancelEvaluation");
  cancelButton_->setEnabled(false);
  status_ = new QLabel(tr("Import click logs to judge LinUCB against what production shows today."));
  status_->setObjectName("evaluationStatus");
  status_->setWordWrap(true);
  verdict_ = new QLabel;
  verdict_->setObjectName("evaluationVerdict");
  verdict_->setWordWrap(true);
  verdict_->setStyleSheet("font-weight: bold; font-size: 13pt;");
  warning_ = new QLabel;
  warning_->setObjectName("evaluationWarning");
  warning_->setWordWrap(true);
  warning_->setStyleSheet("color: #a35a00;");
  auto* why = new QLabel(QString::fromUtf8(bandit::kWhyEstimatorsDisagree));
  why->setObjectName("estimatorExplanation");
  why->setWordWrap(true);
  why->setStyleSheet("color: #555;");
  plot_ = makePlot("policyEvaluationPlot", tr("Expected CTR per policy (95% bootstrap interval)"));
  const QStringList columns{tr("Policy"), tr("Replay"), tr("IPW"), tr("SNIPW"), tr("DR"), tr("SNDR")};
  table_ = new QTableWidget(0, static_cast<int>(columns.size()));
  table_->setObjectName("policyEvaluationTable");
  table_->setHorizontalHeaderLabels(columns);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  connect(evaluateButton_, &QPushButton::clicked, this, &BanditEvaluationView::evaluate);
  connect(cancelButton_, &QPushButton::clicked, this, &BanditEvaluationView::cancel);
  connect(&watcher_, &QFutureWatcher<EvaluationResult>::finished, this, &BanditEvaluationView::showResult);

  auto* controls = new QHBoxLayout;
  controls->addWidget(status_, 1);
  controls->addWidget(evaluateButton_);
  controls->addWidget(cancelButton_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(controls);
  layout->addWidget(verdict_);
  layout->addWidget(warning_);
  layout->addWidget(plot_, 3);
  layout->addWidget(table_, 2);
  layout->addWidget(why);
}

BanditEvaluationView::~BanditEvaluationView() {
  cancel_.cancel();  // an evaluation in flight stops at its next step; the watcher waits
}

void BanditEvaluationView::setLogs(std::shared_ptr<const exporting::CategoryLogs> logs) {
  logs_ = std::move(logs);
  evaluateButton_->setEnabled(logs_ != nullptr && !evaluating_);
}

bool BanditEvaluationView::evaluate() {
  if (evaluating_ || logs_ == nullptr) return false;
  evaluating_ = true;
  cancel_ = CancellationToken();
  evaluateButton_->setEnabled(false);
  cancelButton_->setEnabled(true);
  status_->setText(tr("Evaluating on %1 impressions…").arg(logs_->impressions()));
  // Progress comes from the worker; the label is updated on the GUI thread while it still exists.
  QPointer<QLabel> status = status_;
  const ProgressSink progress = [status](const Progress& step) {
    const QString text = QObject::tr("Evaluating: %1 (%2 of %3)")
                             .arg(QString::fromStdString(step.message))
                             .arg(step.done)
                             .arg(step.total);
    QMetaObject::invokeMethod(
        status,
        [status, text] {
          if (status) status->setText(text);
        },
        Qt::QueuedConnection);
  };
  watcher_.setFuture(
      QtConcurrent::run([logs = logs_, progress, cancel = cancel_] { return evaluateLogs(*logs, progress, cancel); }));
  return true;
}

void BanditEvaluationView::cancel() {
  if (!evaluating_) return;
  cancel_.cancel();
  cancelButton_->setEnabled(false);
}

void BanditEvaluationView::showResult() {
  evaluating_ = false;
  evaluateButton_->setEnabled(logs_ != nullptr);
  cancelButton_->setEnabled(false);
  // A cancelled evaluation is dropped even when the worker finished before it saw the request.
  EvaluationResult result = watcher_.result();
  if (cancel_.cancelled()) result.error = tr("cancelled");
  if (!result.error.isEmpty()) {
    status_->setText(result.error == tr("cancelled") ? result.error : tr("Cannot evaluate: %1").arg(result.error));
    emit finished(status_->text());
    return;
  }
  const auto& evaluation = result.evaluation;
  status_->setText(tr("Evaluated on %1: fitted on %2 impressions, judged on %3.")
                       .arg(result.source)
                       .arg(evaluation.training_rounds)
                       .arg(evaluation.evaluation_rounds));
  verdict_->setText(QString::fromStdString(result.verdict.text));
  warning_->setText(QString::fromStdString(result.verdict.warning));
  warning_->setVisible(!result.verdict.warning.empty() && result.verdict.warning != result.verdict.text);
  fillTable(result);
  plot(result);
  emit finished(verdict_->text());
}

void BanditEvaluationView::fillTable(const EvaluationResult& result) {
  const auto& evaluation = result.evaluation;
  table_->setRowCount(0);
  const auto addRow = [this](const QString& policy, const QStringList& cells) {
    const int row = table_->rowCount();
    table_->insertRow(row);
    table_->setItem(row, 0, new QTableWidgetItem(policy));
    for (int column = 0; column < cells.size(); ++column) {
      table_->setItem(row, column + 1, new QTableWidgetItem(cells[column]));
    }
  };
  const QString observed = withInterval(evaluation.logged_ctr, evaluation.logged_interval);
  addRow(tr("Logging policy (today)"), {observed, observed, observed, observed, observed});
  for (const auto& policy : evaluation.policies) {
    QStringList cells;
    const auto& replay = policy.replays.front();
    cells << withInterval(replay.result.ctr(), replay.interval);
    for (const auto estimator : kShownEstimators) {
      const auto found = std::find_if(policy.estimates.begin(), policy.estimates.end(),
                                      [&](const auto& estimate) { return estimate.estimator == estimator; });
      cells << (found == policy.estimates.end() ? tr("n/a") : withInterval(found->value, found->interval));
    }
    addRow(policyLabel(policy.policy), cells);
  }
}

void BanditEvaluationView::plot(const EvaluationResult& result) {
  const auto& evaluation = result.evaluation;
  plot_->clearGraphs();
  plot_->clearPlottables();
  QStringList names;
  for (const auto& policy : evaluation.policies) names << policyLabel(policy.policy);
  const QColor colours[] = {QColor(220, 130, 30), QColor(150, 90, 200), QColor(40, 150, 80), QColor(30, 110, 200)};
  double offset = -0.24;
  for (std::size_t k = 0; k < std::size(kShownEstimators); ++k, offset += 0.16) {
    QVector<PointWithInterval> points;
    for (const auto& policy : evaluation.policies) {
      for (const auto& estimate : policy.estimates) {
        if (estimate.estimator == kShownEstimators[k]) {
          points << PointWithInterval{estimate.value, estimate.interval.low, estimate.interval.high};
        }
      }
    }
    addPointsWithIntervals(plot_, QString::fromStdString(bandit::to_string(kShownEstimators[k])).toUpper(), colours[k],
                           offset, points);
  }
  addLevel(plot_, tr("today's CTR"), evaluation.logged_ctr, static_cast<int>(names.size()));
  setCategoryTicks(plot_, names);
  plot_->yAxis->setLabel(tr("CTR"));
  plot_->yAxis->rescale(true);
  plot_->yAxis->scaleRange(1.3);
  plot_->legend->setVisible(true);
  plot_->replot();
}

}  // namespace backdrop::ui
