#include "ui/bandit_panel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <qcustomplot.h>

#include "core/bandit/impression_log.h"
#include "core/bandit/policy_factory.h"
#include "core/bandit/random.h"
#include "core/bandit/simulation.h"
#include "core/store/project.h"
#include "ui/project_session.h"

namespace backdrop::ui {
namespace {

constexpr int kSimulatedRounds = 20000;

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

}  // namespace

std::pair<double, double> wilsonInterval(double clicks, double shows) {
  if (shows <= 0) return {0, 0};
  constexpr double z = 1.959964;
  const double p = clicks / shows;
  const double denominator = 1 + z * z / shows;
  const double centre = (p + z * z / (2 * shows)) / denominator;
  const double half = z * std::sqrt(p * (1 - p) / shows + z * z / (4 * shows * shows)) / denominator;
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
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
  ctrPlot_ = makePlot("armCtrPlot", tr("Estimated CTR per arm (95% interval)"));
  curvePlot_ = makePlot("rewardRegretPlot", tr("Cumulative reward and regret"));
  sharePlot_ = makePlot("armSharePlot", tr("Share of impressions per arm"));

  connect(importButton, &QPushButton::clicked, this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, tr("Import Click Log"), QString(), tr("Impression log (*.jsonl *.json *.log)"));
    if (!file.isEmpty()) importClickLog(file);
  });
  connect(simulateButton, &QPushButton::clicked, this, &BanditPanel::simulate);
  connect(category_, &QComboBox::currentIndexChanged, this, &BanditPanel::simulate);
  connect(&watcher_, &QFutureWatcher<BanditCurves>::finished, this, &BanditPanel::show);
  connect(&session_, &ProjectSession::promptsChanged, this, &BanditPanel::simulate);
  connect(&session_, &ProjectSession::productsChanged, this, &BanditPanel::reload);

  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Category")));
  top->addWidget(category_);
  top->addWidget(source_, 1);
  top->addWidget(simulateButton);
  top->addWidget(importButton);
  auto* plots = new QGridLayout;
  plots->addWidget(ctrPlot_, 0, 0);
  plots->addWidget(sharePlot_, 0, 1);
  plots->addWidget(curvePlot_, 1, 0, 1, 2);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addLayout(plots, 1);
  layout->addWidget(new QLabel(tr("Offline evaluation of candidate policies (replay / IPW / DR) is not in the studio yet: "
                                  "use `backdrop bandit evaluate`.")));
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

void BanditPanel::show() {
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

}  // namespace backdrop::ui
