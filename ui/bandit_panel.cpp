#include "ui/bandit_panel.h"

#include <qcustomplot.h>
#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

#include "core/store/project.h"
#include "ui/bandit_evaluation_view.h"
#include "ui/bandit_plots.h"
#include "ui/project_session.h"
#include "ui/review_command.h"

namespace backdrop::ui {
namespace {

QString percentText(double rate) {
  return QString::fromStdString(bandit::percent(rate));
}

QTableWidgetItem* number(double value) {
  auto* item = new QTableWidgetItem(QString::number(static_cast<qint64>(value)));
  item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  return item;
}

}  // namespace

BanditPanel::BanditPanel(ProjectSession& session, QWidget* parent) : QWidget(parent), session_(session) {
  setObjectName("banditPanel");
  connect(&watcher_, &QFutureWatcher<BanditCurves>::finished, this, &BanditPanel::showCurves);
  connect(&session_, &ProjectSession::promptsChanged, this, &BanditPanel::categoryChanged);
  connect(&session_, &ProjectSession::productsChanged, this, &BanditPanel::reload);
  connect(&session_, &ProjectSession::projectOpened, this, [this] {
    files_.clear();
    reload();
  });

  evaluation_ = new BanditEvaluationView;
  tabs_ = new QTabWidget;
  tabs_->setObjectName("banditTabs");
  tabs_->addTab(buildArmsTab(), tr("Arms"));
  tabs_->addTab(evaluation_, tr("Offline Evaluation"));
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buildControls());
  layout->addWidget(tabs_, 1);
  reload();  // a project opened before the panel was made
}

BanditPanel::~BanditPanel() = default;

QLayout* BanditPanel::buildControls() {
  category_ = new QComboBox;
  category_->setObjectName("banditCategory");
  connect(category_, &QComboBox::currentIndexChanged, this, &BanditPanel::categoryChanged);
  auto* importButton = new QPushButton(tr("Import Click Logs…"));
  importButton->setObjectName("importClickLog");
  connect(importButton, &QPushButton::clicked, this, [this] {
    const QStringList files =
        QFileDialog::getOpenFileNames(this, tr("Import Click Logs"), QString(),
                                      tr("Click logs (*.jsonl *.csv);;Serving logs (*.jsonl);;OBD logs (*.csv)"));
    if (!files.isEmpty()) importClickLogs(files);
  });
  auto* simulateButton = new QPushButton(tr("What-if Simulation"));
  simulateButton->setObjectName("simulateBandit");
  simulateButton->setToolTip(
      tr("LinUCB over this category's approved prompts on synthetic users: what could happen, "
         "not what your logs say"));
  connect(simulateButton, &QPushButton::clicked, this, &BanditPanel::simulate);
  updatePriors_ = new QPushButton(tr("Update Priors from These Logs"));
  updatePriors_->setObjectName("updatePriors");
  updatePriors_->setEnabled(false);
  connect(updatePriors_, &QPushButton::clicked, this, &BanditPanel::updatePriors);
  source_ = new QLabel(tr("Import the click logs backdrop-serve wrote for this category."));
  source_->setObjectName("banditSource");
  source_->setWordWrap(true);
  priors_ = new QLabel;
  priors_->setObjectName("banditPriors");
  priors_->setWordWrap(true);

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(new QLabel(tr("Category")));
  buttons->addWidget(category_);
  buttons->addStretch(1);
  buttons->addWidget(importButton);
  buttons->addWidget(updatePriors_);
  buttons->addWidget(simulateButton);
  auto* controls = new QVBoxLayout;
  controls->addLayout(buttons);
  controls->addWidget(source_);
  controls->addWidget(priors_);
  return controls;
}

QWidget* BanditPanel::buildArmsTab() {
  const QStringList columns{tr("Approved prompt"), tr("Impressions"), tr("Clicks"), tr("CTR [95% interval]"),
                            tr("Share of impressions")};
  armsTable_ = new QTableWidget(0, static_cast<int>(columns.size()));
  armsTable_->setObjectName("banditArms");
  armsTable_->setHorizontalHeaderLabels(columns);
  armsTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  armsTable_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
  armsTable_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  armsTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  ctrPlot_ = makePlot("armCtrPlot", tr("CTR per approved prompt (95% interval)"));
  sharePlot_ = makePlot("armSharePlot", tr("Share of impressions per approved prompt"));
  curvePlot_ = makePlot("rewardRegretPlot", tr("Cumulative clicks"));
  auto* tab = new QWidget;
  auto* grid = new QGridLayout(tab);
  grid->addWidget(armsTable_, 0, 0, 1, 2);
  grid->addWidget(ctrPlot_, 1, 0);
  grid->addWidget(sharePlot_, 1, 1);
  grid->addWidget(curvePlot_, 2, 0, 1, 2);
  grid->setRowStretch(1, 2);
  grid->setRowStretch(2, 2);
  return tab;
}

void BanditPanel::reload() {
  if (!session_.isOpen()) return;
  const QString current = category_->currentText();
  {
    QSignalBlocker block(category_);
    category_->clear();
    for (const auto& category : session_.project().products().categories()) {
      category_->addItem(QString::fromStdString(category));
    }
    if (const int index = category_->findText(current); index >= 0) category_->setCurrentIndex(index);
  }
  categoryChanged();
}

QString BanditPanel::category() const {
  return category_->currentText();
}

void BanditPanel::setCategory(const QString& category) {
  category_->setCurrentText(category);
}

// Another category (or its approved prompts changed): the same logs are read for its arms.
void BanditPanel::categoryChanged() {
  logs_.reset();
  evaluation_->setLogs(nullptr);
  updatePriors_->setEnabled(false);
  armsTable_->setRowCount(0);
  showPriors();
  if (!files_.isEmpty()) importClickLogs(files_);
}

void BanditPanel::setStatus(const QString& text) {
  source_->setText(text);
}

std::optional<exporting::CategoryArms> BanditPanel::currentArms(const QString& failure) {
  if (!session_.isOpen() || watcher_.isRunning() || category().isEmpty()) return std::nullopt;
  try {
    return exporting::category_arms(session_.project(), category().toStdString());
  } catch (const std::exception& error) {
    setStatus(failure.arg(QString::fromStdString(error.what())));
    return std::nullopt;
  }
}

bool BanditPanel::importClickLogs(const QStringList& files) {
  const auto arms = currentArms(tr("Cannot read the logs: %1"));
  if (!arms) return false;
  files_ = files;
  setStatus(tr("Reading the click logs…"));
  watcher_.setFuture(QtConcurrent::run([arms = *arms, files] { return curvesFromLogs(arms, files); }));
  return true;
}

bool BanditPanel::simulate() {
  const auto arms = currentArms(tr("Cannot simulate: %1"));
  if (!arms) return false;
  watcher_.setFuture(QtConcurrent::run([arms = *arms] { return whatIfSimulation(arms); }));
  return true;
}

void BanditPanel::showCurves() {
  const BanditCurves curves = watcher_.result();
  if (!curves.error.isEmpty()) {
    setStatus(tr("Cannot show: %1").arg(curves.error));
    emit updated();
    return;
  }
  setStatus(curves.source);
  logs_ = curves.logs;
  evaluation_->setLogs(logs_);
  updatePriors_->setEnabled(logs_ != nullptr && logs_->impressions() > 0);
  showArmsTable(curves);

  ctrPlot_->clearPlottables();
  addBars(ctrPlot_, curves.ctr, QColor(70, 130, 180, 170), curves.low, curves.high);
  setCategoryTicks(ctrPlot_, curves.arms);
  ctrPlot_->yAxis->setLabel(tr("CTR"));
  ctrPlot_->yAxis->rescale(true);
  ctrPlot_->yAxis->setRange(0, std::max(0.01, ctrPlot_->yAxis->range().upper * 1.3));
  ctrPlot_->replot();

  sharePlot_->clearPlottables();
  addBars(sharePlot_, curves.shares, QColor(120, 170, 90, 170));
  setCategoryTicks(sharePlot_, curves.arms);
  sharePlot_->yAxis->setRange(0, 1);
  sharePlot_->yAxis->setLabel(tr("share"));
  sharePlot_->replot();

  curvePlot_->clearGraphs();
  curvePlot_->addGraph()->setData(curves.rounds, curves.reward);
  curvePlot_->graph(0)->setName(curves.logs ? tr("clicks in the logs") : tr("simulated clicks"));
  curvePlot_->graph(0)->setPen(QPen(QColor(30, 110, 200), 2));
  if (!curves.regret.isEmpty()) {
    curvePlot_->addGraph()->setData(curves.rounds, curves.regret);
    curvePlot_->graph(1)->setName(tr("simulated regret"));
    curvePlot_->graph(1)->setPen(QPen(QColor(200, 60, 40), 2));
  }
  curvePlot_->legend->setVisible(true);
  curvePlot_->axisRect()->insetLayout()->setInsetAlignment(
      0, Qt::AlignTop | Qt::AlignLeft);  // the curves rise to the right
  curvePlot_->xAxis->setLabel(curves.logs ? tr("impressions") : tr("simulated rounds"));
  curvePlot_->rescaleAxes();
  curvePlot_->xAxis->setRangeLower(0);
  curvePlot_->yAxis->setRange(0, std::max(1.0, curvePlot_->yAxis->range().upper * 1.1));
  curvePlot_->replot();
  emit updated();
}

void BanditPanel::showArmsTable(const BanditCurves& curves) {
  armsTable_->setRowCount(0);
  for (int arm = 0; arm < curves.arms.size(); ++arm) {
    armsTable_->insertRow(arm);
    auto* prompt = new QTableWidgetItem(curves.prompts[arm]);
    prompt->setToolTip(curves.prompts[arm]);
    armsTable_->setItem(arm, 0, prompt);
    armsTable_->setItem(arm, 1, number(curves.impressions[arm]));
    armsTable_->setItem(arm, 2, number(curves.clicks[arm]));
    const double ctr = curves.ctr[arm];
    armsTable_->setItem(arm, 3,
                        new QTableWidgetItem(QStringLiteral("%1  [%2, %3]")
                                                 .arg(percentText(ctr), percentText(ctr - curves.low[arm]),
                                                      percentText(ctr + curves.high[arm]))));
    armsTable_->setItem(arm, 4, new QTableWidgetItem(percentText(curves.shares[arm])));
  }
}

void BanditPanel::showPriors() {
  if (!session_.isOpen() || category().isEmpty()) {
    priors_->clear();
    return;
  }
  const auto latest = session_.project().priors().latest(category().toStdString());
  priors_->setText(latest
                       ? tr("The next push ships priors %1.").arg(QString::fromStdString(exporting::describe(*latest)))
                       : tr("The next push ships uninformed priors: none learnt from click logs yet."));
}

bool BanditPanel::updatePriors() {
  if (logs_ == nullptr || logs_->impressions() == 0) return false;
  const auto question = tr("Learn the priors of %1 from %2 impressions and %3 clicks? The next push ships them.")
                            .arg(category())
                            .arg(logs_->impressions())
                            .arg(logs_->clicks());
  if (QMessageBox::question(this, tr("Update Priors"), question, QMessageBox::Yes | QMessageBox::Cancel) !=
      QMessageBox::Yes) {
    return false;
  }
  try {
    const auto stored = exporting::update_priors_from_logs(session_.project(), *logs_, currentReviewer());
    showPriors();
    emit priorsUpdated(
        tr("Stored priors %1 of %2.").arg(QString::fromStdString(exporting::describe(stored)), category()));
    return true;
  } catch (const std::exception& error) {
    QMessageBox::warning(this, tr("Update Priors"), QString::fromStdString(error.what()));
    return false;
  }
}

void BanditPanel::showEvaluationTab() {
  tabs_->setCurrentWidget(evaluation_);
}

}  // namespace backdrop::ui
