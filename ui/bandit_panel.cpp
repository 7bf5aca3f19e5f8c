#include "ui/bandit_panel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHeaderView>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QPointer>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <qcustomplot.h>

#include "core/bandit/impression_log.h"
#include "core/bandit/policy_factory.h"
#include "core/bandit/random.h"
#include "core/bandit/simulation.h"
#include "core/experiment/experiment_statistics.h"
#include "core/store/project.h"
#include "ui/project_session.h"

namespace backdrop::ui {
namespace {

constexpr int kSimulatedRounds = 20000;
constexpr int64_t kEvaluatedRounds = 4000;  // of the simulator's log, when no click log is imported

void fillArms(BanditCurves& curves, const std::vector<double>& shows, const std::vector<double>& clicks) {
  double total = 0;
  for (double s : shows) total += s;
  for (size_t arm = 0; arm < shows.size(); ++arm) {
    const double ctr = shows[arm] > 0 ? clicks[arm] / shows[arm] : 0;
    const auto [low, high] = wilsonInterval(clicks[arm], shows[arm]);
    curves.ctr << ctr;
    curves.low << ctr - low;
    curves.high << high - ctr;
    curves.shares << (total > 0 ? shows[arm] / total : 0);
  }
}

BanditCurves simulateCurves(const QStringList& arms) {
  BanditCurves curves;
  curves.arms = arms;
  curves.source = QObject::tr("Simulated: LinUCB over %1 arms, %2 rounds (no click log imported)")
                      .arg(arms.size())
                      .arg(kSimulatedRounds);
  bandit::SyntheticConfig config;
  config.n_arms = static_cast<int>(arms.size());
  config.seed = 7;
  const bandit::SyntheticEnvironment environment(config);
  bandit::PolicySettings settings;
  settings.dimension = environment.dimension();
  settings.n_arms = environment.n_arms();
  auto policy = bandit::make_policy(settings);
  // Per-arm counts come from replaying the same environment with the trained policy's choices.
  bandit::SimulationOptions options;
  options.rounds = kSimulatedRounds;
  options.record_every = kSimulatedRounds / 100;
  for (const auto& point : bandit::simulate(*policy, environment, options)) {
    curves.rounds << static_cast<double>(point.round);
    curves.reward << point.clicks;
    curves.regret << point.regret;
  }
  std::vector<double> shows(arms.size(), 0), clicks(arms.size(), 0);
  bandit::Random random(11);
  std::vector<double> context(environment.dimension());
  for (int round = 0; round < 5000; ++round) {
    environment.sample_context(random, context);
    const int arm = policy->select_one(context);
    shows[arm] += 1;
    clicks[arm] += environment.click_probability(context, arm);
  }
  fillArms(curves, shows, clicks);
  return curves;
}

BanditCurves logCurves(const QString& file) {
  BanditCurves curves;
  const auto log = bandit::load_impression_log(file.toStdString());
  const auto& feedback = log.feedback;
  curves.source = QObject::tr("Click log %1: %2 impressions, %3 lines skipped")
                      .arg(QFileInfo(file).fileName())
                      .arg(feedback.size())
                      .arg(log.skipped.size());
  std::vector<double> shows(feedback.n_arms, 0), clicks(feedback.n_arms, 0);
  double reward = 0;
  for (int64_t round = 0; round < feedback.size(); ++round) {
    shows[feedback.action[round]] += 1;
    clicks[feedback.action[round]] += feedback.reward[round];
    reward += feedback.reward[round];
    curves.rounds << static_cast<double>(round + 1);
    curves.reward << reward;
  }
  for (int arm = 0; arm < feedback.n_arms; ++arm) curves.arms << QObject::tr("arm %1").arg(arm);
  fillArms(curves, shows, clicks);
  return curves;
}

QCustomPlot* makePlot(const QString& name, const QString& title) {
  auto* plot = new QCustomPlot;
  plot->setObjectName(name);
  plot->setMinimumHeight(220);
  plot->plotLayout()->insertRow(0);
  plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, title, QFont("sans", 10, QFont::Bold)));
  return plot;
}

void setArmTicks(QCustomPlot* plot, const QStringList& arms) {
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  for (int i = 0; i < arms.size(); ++i) ticker->addTick(i + 1, arms[i]);
  plot->xAxis->setTicker(ticker);
  plot->xAxis->setRange(0.3, arms.size() + 0.7);
}

const QStringList kEvaluationColumns{QObject::tr("Policy"), QObject::tr("Replay CTR [95%]"), QObject::tr("Replay matched rounds"),
                                     QObject::tr("IPW [95%]"), QObject::tr("DR [95%]")};

QString withInterval(const EstimateWithInterval& estimate) {
  return QStringLiteral("%1  [%2, %3]").arg(estimate.value, 0, 'f', 4).arg(estimate.low, 0, 'f', 4).arg(estimate.high, 0, 'f', 4);
}

// One estimator's values for every policy as points with error bars, shifted by `offset` so the
// three estimators of a policy stand side by side.
void addEstimatorSeries(QCustomPlot* plot, const QString& name, const QColor& colour, double offset,
                        const QList<PolicyScores>& policies, EstimateWithInterval PolicyScores::*estimate) {
  QVector<double> x, y, below, above;
  for (int i = 0; i < policies.size(); ++i) {
    const EstimateWithInterval& value = policies[i].*estimate;
    x << i + 1 + offset;
    y << value.value;
    below << std::max(0.0, value.value - value.low);
    above << std::max(0.0, value.high - value.value);
  }
  QCPGraph* graph = plot->addGraph();
  graph->setName(name);
  graph->setData(x, y);
  graph->setLineStyle(QCPGraph::lsNone);
  graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, colour, 8));
  auto* errors = new QCPErrorBars(plot->xAxis, plot->yAxis);
  errors->removeFromLegend();
  errors->setDataPlottable(graph);
  errors->setData(below, above);
  errors->setPen(QPen(colour, 1.5));
}

}  // namespace

std::pair<double, double> wilsonInterval(double clicks, double shows) {
  if (shows <= 0) return {0, 0};
  const auto interval = experiment::wilson_interval(clicks, shows);
  return {interval.low, interval.high};
}

BanditPanel::BanditPanel(ProjectSession& session, QWidget* parent) : QWidget(parent), session_(session) {
  setObjectName("banditPanel");
  category_ = new QComboBox;
  category_->setObjectName("banditCategory");
  source_ = new QLabel;
  source_->setObjectName("banditSource");
  auto* importButton = new QPushButton(tr("Import Click Log…"));
  importButton->setObjectName("importClickLog");
  auto* simulateButton = new QPushButton(tr("Simulate"));
  simulateButton->setObjectName("simulateBandit");

  connect(importButton, &QPushButton::clicked, this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, tr("Import Click Log"), QString(), tr("Impression log (*.jsonl *.json *.log)"));
    if (!file.isEmpty()) importClickLog(file);
  });
  connect(simulateButton, &QPushButton::clicked, this, [this] {
    clickLog_.clear();
    simulate();
  });
  connect(category_, &QComboBox::currentIndexChanged, this, &BanditPanel::simulate);
  connect(&watcher_, &QFutureWatcher<BanditCurves>::finished, this, &BanditPanel::showCurves);
  connect(&evaluation_, &QFutureWatcher<PolicyEvaluationReport>::finished, this, &BanditPanel::showEvaluation);
  connect(&session_, &ProjectSession::promptsChanged, this, &BanditPanel::simulate);
  connect(&session_, &ProjectSession::productsChanged, this, &BanditPanel::reload);

  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Category")));
  top->addWidget(category_);
  top->addWidget(source_, 1);
  top->addWidget(simulateButton);
  top->addWidget(importButton);
  tabs_ = new QTabWidget;
  tabs_->setObjectName("banditTabs");
  tabs_->addTab(buildArmsTab(), tr("Arms"));
  tabs_->addTab(buildEvaluationTab(), tr("Offline Evaluation"));
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(tabs_, 1);
}

BanditPanel::~BanditPanel() {
  cancelEvaluation_.cancel();  // an evaluation in flight stops at its next step; the watchers wait
}

QWidget* BanditPanel::buildArmsTab() {
  ctrPlot_ = makePlot("armCtrPlot", tr("Estimated CTR per arm (95% interval)"));
  curvePlot_ = makePlot("rewardRegretPlot", tr("Cumulative reward and regret"));
  sharePlot_ = makePlot("armSharePlot", tr("Share of impressions per arm"));
  auto* tab = new QWidget;
  auto* plots = new QGridLayout(tab);
  plots->addWidget(ctrPlot_, 0, 0);
  plots->addWidget(sharePlot_, 0, 1);
  plots->addWidget(curvePlot_, 1, 0, 1, 2);
  return tab;
}

QWidget* BanditPanel::buildEvaluationTab() {
  evaluateButton_ = new QPushButton(tr("Evaluate Policies"));
  evaluateButton_->setObjectName("evaluatePolicies");
  cancelEvaluationButton_ = new QPushButton(tr("Cancel"));
  cancelEvaluationButton_->setObjectName("cancelEvaluation");
  cancelEvaluationButton_->setEnabled(false);
  evaluationStatus_ = new QLabel(tr("Estimates each candidate policy's CTR from the click log (or the simulator's "
                                    "log): replay, IPW and DR, with bootstrap 95% intervals."));
  evaluationStatus_->setObjectName("evaluationStatus");
  evaluationStatus_->setWordWrap(true);
  evaluationPlot_ = makePlot("policyEvaluationPlot", tr("Estimated CTR per policy (95% bootstrap interval)"));
  evaluationTable_ = new QTableWidget(0, kEvaluationColumns.size());
  evaluationTable_->setObjectName("policyEvaluationTable");
  evaluationTable_->setHorizontalHeaderLabels(kEvaluationColumns);
  evaluationTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  evaluationTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  connect(evaluateButton_, &QPushButton::clicked, this, &BanditPanel::evaluatePolicies);
  connect(cancelEvaluationButton_, &QPushButton::clicked, this, &BanditPanel::cancelEvaluation);

  auto* tab = new QWidget;
  auto* reading = new QLabel(tr("Replay lets each policy learn from the rounds where it agrees with the log; IPW and DR "
                                "estimate the policy as it starts (no learning), from every round."));
  reading->setObjectName("evaluationReading");
  reading->setWordWrap(true);
  reading->setStyleSheet("color: #555;");
  auto* controls = new QHBoxLayout;
  controls->addWidget(evaluationStatus_, 1);
  controls->addWidget(evaluateButton_);
  controls->addWidget(cancelEvaluationButton_);
  auto* layout = new QVBoxLayout(tab);
  layout->addLayout(controls);
  layout->addWidget(reading);
  layout->addWidget(evaluationPlot_, 3);
  layout->addWidget(evaluationTable_, 2);
  return tab;
}

void BanditPanel::reload() {
  if (!session_.isOpen()) return;
  QSignalBlocker block(category_);
  category_->clear();
  for (const auto& category : session_.project().products().categories()) category_->addItem(QString::fromStdString(category));
  simulate();
}

QStringList BanditPanel::armNames() const {
  QStringList arms;
  if (session_.isOpen() && !category_->currentText().isEmpty()) {
    if (const auto set = session_.project().prompts().latest_approved(category_->currentText().toStdString())) {
      for (const auto& entry : set->prompts) arms << QString::fromStdString(entry.prompt).left(18);
    }
  }
  if (arms.size() < 2) arms = {tr("prompt 1"), tr("prompt 2"), tr("prompt 3"), tr("prompt 4")};
  return arms;
}

void BanditPanel::simulate() {
  if (watcher_.isRunning()) return;
  const QStringList arms = armNames();
  watcher_.setFuture(QtConcurrent::run([arms] {
    try {
      return simulateCurves(arms);
    } catch (const std::exception& error) {
      BanditCurves failed;
      failed.error = QString::fromStdString(error.what());
      return failed;
    }
  }));
}

bool BanditPanel::importClickLog(const QString& file) {
  if (watcher_.isRunning()) return false;
  clickLog_ = file;  // evaluated from now on
  watcher_.setFuture(QtConcurrent::run([file] {
    try {
      return logCurves(file);
    } catch (const std::exception& error) {
      BanditCurves failed;
      failed.error = QString::fromStdString(error.what());
      return failed;
    }
  }));
  return true;
}

void BanditPanel::showCurves() {
  const BanditCurves curves = watcher_.result();
  source_->setText(curves.error.isEmpty() ? curves.source : tr("Cannot read: %1").arg(curves.error));
  if (!curves.error.isEmpty()) return;
  QVector<double> positions;
  for (int i = 0; i < curves.arms.size(); ++i) positions << i + 1;

  ctrPlot_->clearPlottables();
  auto* bars = new QCPBars(ctrPlot_->xAxis, ctrPlot_->yAxis);
  bars->setData(positions, curves.ctr);
  bars->setBrush(QColor(70, 130, 180, 170));
  auto* errors = new QCPErrorBars(ctrPlot_->xAxis, ctrPlot_->yAxis);
  errors->setDataPlottable(bars);
  errors->setData(curves.low, curves.high);
  setArmTicks(ctrPlot_, curves.arms);
  ctrPlot_->yAxis->setLabel(tr("CTR"));
  ctrPlot_->yAxis->rescale();
  ctrPlot_->yAxis->setRangeLower(0);
  ctrPlot_->yAxis->setRangeUpper(ctrPlot_->yAxis->range().upper * 1.3);
  ctrPlot_->replot();

  sharePlot_->clearPlottables();
  auto* shares = new QCPBars(sharePlot_->xAxis, sharePlot_->yAxis);
  shares->setData(positions, curves.shares);
  shares->setBrush(QColor(120, 170, 90, 170));
  setArmTicks(sharePlot_, curves.arms);
  sharePlot_->yAxis->setRange(0, 1);
  sharePlot_->yAxis->setLabel(tr("share"));
  sharePlot_->replot();

  curvePlot_->clearGraphs();
  curvePlot_->addGraph()->setData(curves.rounds, curves.reward);
  curvePlot_->graph(0)->setName(tr("cumulative clicks"));
  curvePlot_->graph(0)->setPen(QPen(QColor(30, 110, 200), 2));
  if (!curves.regret.isEmpty()) {
    curvePlot_->addGraph()->setData(curves.rounds, curves.regret);
    curvePlot_->graph(1)->setName(tr("cumulative regret"));
    curvePlot_->graph(1)->setPen(QPen(QColor(200, 60, 40), 2));
  }
  curvePlot_->legend->setVisible(true);
  curvePlot_->xAxis->setLabel(tr("rounds"));
  curvePlot_->rescaleAxes();
  curvePlot_->replot();
  emit updated();
}

void BanditPanel::showEvaluationTab() { tabs_->setCurrentIndex(1); }

bool BanditPanel::evaluatePolicies() {
  if (evaluating_) return false;
  evaluating_ = true;
  cancelEvaluation_ = CancellationToken();
  const CancellationToken cancel = cancelEvaluation_;
  const QString clickLog = clickLog_;
  const int arms = static_cast<int>(armNames().size());
  evaluateButton_->setEnabled(false);
  cancelEvaluationButton_->setEnabled(true);
  evaluationStatus_->setText(tr("Evaluating on %1…").arg(clickLog.isEmpty() ? tr("the simulator's log") : QFileInfo(clickLog).fileName()));
  // Progress comes from the worker; the label is updated on the GUI thread while it still exists.
  QPointer<QLabel> status = evaluationStatus_;
  const ProgressSink progress = [status](const Progress& step) {
    const QString text = QObject::tr("Evaluating: %1 (%2 of %3)").arg(QString::fromStdString(step.message)).arg(step.done).arg(step.total);
    QMetaObject::invokeMethod(status, [status, text] { if (status) status->setText(text); }, Qt::QueuedConnection);
  };
  evaluation_.setFuture(QtConcurrent::run([clickLog, arms, progress, cancel] {
    return evaluate_candidate_policies(clickLog, arms, kEvaluatedRounds, progress, cancel);
  }));
  return true;
}

void BanditPanel::cancelEvaluation() {
  if (!evaluating_) return;
  cancelEvaluation_.cancel();
  cancelEvaluationButton_->setEnabled(false);
}

void BanditPanel::showEvaluation() {
  evaluating_ = false;
  evaluateButton_->setEnabled(true);
  cancelEvaluationButton_->setEnabled(false);
  // A cancelled evaluation is dropped even when the worker finished before it saw the request.
  PolicyEvaluationReport report = evaluation_.result();
  if (cancelEvaluation_.cancelled()) report.error = tr("cancelled");
  if (!report.error.isEmpty()) {
    evaluationStatus_->setText(report.error == tr("cancelled") ? tr("cancelled") : tr("Cannot evaluate: %1").arg(report.error));
    emit evaluationFinished(evaluationStatus_->text());
    return;
  }
  evaluationStatus_->setText(tr("evaluated %1 policies on the %2 (logged CTR %3)")
                                 .arg(report.policies.size())
                                 .arg(report.source)
                                 .arg(report.loggedCtr, 0, 'f', 4));
  evaluationTable_->setRowCount(0);
  QStringList names;
  for (const PolicyScores& scores : report.policies) {
    const int row = evaluationTable_->rowCount();
    evaluationTable_->insertRow(row);
    const QStringList cells{scores.policy, withInterval(scores.replay), QString::number(scores.matched),
                            withInterval(scores.ipw), withInterval(scores.dr)};
    for (int column = 0; column < cells.size(); ++column) evaluationTable_->setItem(row, column, new QTableWidgetItem(cells[column]));
    names << scores.policy;
  }

  evaluationPlot_->clearGraphs();
  evaluationPlot_->clearPlottables();
  addEstimatorSeries(evaluationPlot_, tr("replay"), QColor(30, 110, 200), -0.2, report.policies, &PolicyScores::replay);
  addEstimatorSeries(evaluationPlot_, tr("IPW"), QColor(220, 130, 30), 0.0, report.policies, &PolicyScores::ipw);
  addEstimatorSeries(evaluationPlot_, tr("DR"), QColor(40, 150, 80), 0.2, report.policies, &PolicyScores::dr);
  QCPGraph* logged = evaluationPlot_->addGraph();
  logged->setName(tr("logged CTR"));
  logged->setData(QVector<double>{0.3, names.size() + 0.7}, QVector<double>{report.loggedCtr, report.loggedCtr});
  logged->setPen(QPen(QColor(120, 120, 120), 1, Qt::DashLine));
  setArmTicks(evaluationPlot_, names);
  evaluationPlot_->yAxis->setLabel(tr("CTR"));
  evaluationPlot_->yAxis->rescale(true);
  evaluationPlot_->yAxis->scaleRange(1.3);
  evaluationPlot_->legend->setVisible(true);
  evaluationPlot_->replot();
  emit evaluationFinished(evaluationStatus_->text());
}

}  // namespace backdrop::ui
