#include "ui/push_dialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

#include "core/export/bundle_plan.h"
#include "core/export/publisher.h"
#include "core/store/project.h"
#include "ui/experiment_plan_editor.h"
#include "ui/project_session.h"

namespace backdrop::ui {

struct PushDialog::PlanResult {
  exporting::BundlePlan plan;
  QString error;
};

struct PushDialog::PublishOutcome {
  exporting::PublishResult result;
  QString error;  // "cancelled" when cancelled
};

namespace {

const char* const kTargetSetting = "push/target";
const QStringList kPlanColumns{
    QObject::tr("Category"), QObject::tr("Prompt set"),        QObject::tr("Arms"),
    QObject::tr("Products"), QObject::tr("Products left out"), QObject::tr("Images per placement"),
    QObject::tr("Priors"),   QObject::tr("Experiment")};
constexpr int kPriorsColumn = 6;
constexpr int kExperimentColumn = 7;

QString perPlacement(const std::map<std::string, int64_t>& counts) {
  QStringList parts;
  for (const auto& [placement, count] : counts)
    parts << QStringLiteral("%1: %2").arg(QString::fromStdString(placement)).arg(count);
  return parts.join(", ");
}

void setRow(QTableWidget* table, int row, const QStringList& cells, const QColor& colour = {}) {
  for (int column = 0; column < cells.size(); ++column) {
    auto* item = new QTableWidgetItem(cells[column]);
    if (colour.isValid()) item->setForeground(colour);
    table->setItem(row, column, item);
  }
}

}  // namespace

PushDialog::PushDialog(ProjectSession& session, QWidget* parent) : QDialog(parent), session_(session) {
  setObjectName("pushDialog");
  setWindowTitle(tr("Push to Production"));
  target_ = new QLineEdit(QSettings().value(kTargetSetting).toString());
  target_->setObjectName("pushTarget");
  target_->setPlaceholderText(tr("The folder backdrop-serve and the CDN read from"));
  auto* choose = new QPushButton(tr("Choose…"));
  choose->setObjectName("choosePushTarget");
  serving_ = new QLabel;
  serving_->setObjectName("pushServingVersion");
  planSummary_ = new QLabel(tr("Working out what will ship…"));
  planSummary_->setObjectName("pushPlanSummary");
  planTable_ = new QTableWidget(0, kPlanColumns.size());
  planTable_->setObjectName("pushPlanTable");
  planTable_->setHorizontalHeaderLabels(kPlanColumns);
  planTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  // The priors' origin is a sentence ("version 2: 12,400 impressions, ..."): it wraps in the room left.
  planTable_->horizontalHeader()->setSectionResizeMode(kPriorsColumn, QHeaderView::Stretch);
  planTable_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  planTable_->setWordWrap(true);
  planTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  exclusions_ = new QLabel;
  exclusions_->setObjectName("pushExclusions");
  exclusions_->setWordWrap(true);
  experiment_ = new ExperimentPlanEditor;
  progress_ = new QProgressBar;
  progress_->setObjectName("pushProgress");
  progress_->setValue(0);
  result_ = new QLabel;
  result_->setObjectName("pushResult");
  result_->setWordWrap(true);
  result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  publishButton_ = new QPushButton(tr("Publish"));
  publishButton_->setObjectName("pushPublish");
  cancelButton_ = new QPushButton(tr("Cancel Publish"));
  cancelButton_->setObjectName("pushCancel");
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
  closeButton_ = buttons->button(QDialogButtonBox::Close);
  buttons->addButton(publishButton_, QDialogButtonBox::ActionRole);
  buttons->addButton(cancelButton_, QDialogButtonBox::ActionRole);

  connect(choose, &QPushButton::clicked, this, [this] {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Push Target"), target());
    if (!folder.isEmpty()) setTarget(folder);
  });
  connect(target_, &QLineEdit::textChanged, this, [this] {
    showServingVersion();
    updateButtons();
  });
  connect(experiment_, &ExperimentPlanEditor::changed, this, [this] {
    showExperiments();
    updateButtons();
  });
  connect(publishButton_, &QPushButton::clicked, this, &PushDialog::publish);
  connect(cancelButton_, &QPushButton::clicked, this, &PushDialog::cancel);
  connect(buttons, &QDialogButtonBox::rejected, this, &PushDialog::reject);
  connect(&planning_, &QFutureWatcher<std::shared_ptr<PlanResult>>::finished, this, &PushDialog::showPlan);
  connect(&publishWork_, &QFutureWatcher<std::shared_ptr<PublishOutcome>>::finished, this, &PushDialog::showPublished);

  auto* targetRow = new QHBoxLayout;
  targetRow->addWidget(target_, 1);
  targetRow->addWidget(choose);
  auto* form = new QFormLayout;
  form->addRow(tr("Target folder:"), targetRow);
  form->addRow(QString(), serving_);
  auto* layout = new QVBoxLayout(this);
  // What ships and the experiment on tabs, so the dialog keeps its size.
  auto* shipping = new QWidget;
  auto* shippingLayout = new QVBoxLayout(shipping);
  shippingLayout->addWidget(
      new QLabel(tr("<b>What will ship</b> — approved variants of each category's approved "
                    "prompt set; flagged, rejected and unreviewed variants stay out.")));
  shippingLayout->addWidget(planSummary_);
  shippingLayout->addWidget(planTable_, 1);
  shippingLayout->addWidget(exclusions_);
  auto* tabs = new QTabWidget;
  tabs->setObjectName("pushTabs");
  tabs->addTab(shipping, tr("What Will Ship"));
  tabs->addTab(experiment_, tr("Experiment"));
  layout->addWidget(tabs, 1);
  layout->addLayout(form);
  layout->addWidget(progress_);
  layout->addWidget(result_);
  layout->addWidget(buttons);
  resize(900, 560);
  showServingVersion();
  updateButtons();
  computePlan();
}

PushDialog::~PushDialog() {
  // The window is going away: a publish in flight stops at its next step, and publish() leaves
  // the target as it was. Nothing of the dialog's work may outlive it (or, at exit, the libraries
  // it runs on): the workers' ScopedFutureWatchers wait for them.
  cancel_.cancel();
}

void PushDialog::setTarget(const QString& folder) {
  target_->setText(folder);
}

QString PushDialog::target() const {
  return target_->text().trimmed();
}

void PushDialog::computePlan() {
  const std::string file = session_.file().toStdString();
  planning_.setFuture(QtConcurrent::run([file] {
    auto result = std::make_shared<PlanResult>();
    try {
      auto project = Project::open(file);  // the worker's own connection
      result->plan = exporting::plan_bundle(project, {});
    } catch (const std::exception& error) {
      result->error = QString::fromStdString(error.what());
    }
    return result;
  }));
}

void PushDialog::showPlan() {
  const auto result = planning_.result();
  if (!result->error.isEmpty()) {
    planSummary_->setText(tr("Cannot work out what will ship: %1").arg(result->error));
    emit planReady(planSummary_->text());
    return;
  }
  const auto& plan = result->plan;
  plannedImages_ = plan.image_count();
  planTable_->setRowCount(0);
  plannedCategories_.clear();
  for (const auto& category : plan.categories) {
    plannedCategories_ << QString::fromStdString(category.category);
    const int row = planTable_->rowCount();
    planTable_->insertRow(row);
    setRow(planTable_, row,
           {QString::fromStdString(category.category), tr("v%1").arg(category.prompt_set_version),
            QString::number(category.arms.size()), QString::number(category.products_shipped),
            QString::number(category.products_left_out), perPlacement(category.images_per_placement),
            QString::fromStdString(category.priors_source)});
  }
  for (const auto& [category, why] : plan.categories_left_out) {
    const int row = planTable_->rowCount();
    planTable_->insertRow(row);
    setRow(planTable_, row, {QString::fromStdString(category), tr("left out: %1").arg(QString::fromStdString(why))},
           QColor(140, 140, 140));
  }
  QStringList excluded;
  for (const auto& [reason, count] : plan.variants_excluded) excluded << tr("%1 %2").arg(count).arg(QString::fromStdString(reason));
  QStringList heldBack;  // products whose mask a person has to accept or repaint first
  for (const auto& [product, reasons] : plan.products_held_back) heldBack << QString::fromStdString(product);
  if (!heldBack.isEmpty()) excluded << tr("held back, mask needs attention: %1").arg(heldBack.join(", "));
  exclusions_->setText(excluded.isEmpty() ? tr("No variant is left out.")
                                          : tr("<b>Not shipping:</b> %1").arg(excluded.join(" · ")));
  planSummary_->setText(
      tr("Images that ship: %1 · categories: %2").arg(plannedImages_).arg(plan.categories.size()) +
      (plannedImages_ == 0 ? tr(" — approve a prompt set and some of its variants first.") : QString()));
  showExperiments();
  updateButtons();
  emit planReady(planSummary_->text());
}

std::optional<experiment::ExperimentPlan> PushDialog::experimentPlan(QString* problem) const {
  auto plan = experiment_->plan(problem);
  if (!plan) return std::nullopt;
  for (const auto& experiment : plan->experiments) {
    if (experiment.category == experiment::kEveryCategory) continue;
    if (!plannedCategories_.contains(QString::fromStdString(experiment.category))) {
      if (problem) {
        *problem = tr("experiment '%1': category '%2' does not ship")
                       .arg(QString::fromStdString(experiment.id), QString::fromStdString(experiment.category));
      }
      return std::nullopt;
    }
  }
  return plan;
}

// Each shipping category's experiment in the plan table, as the publish will store it.
void PushDialog::showExperiments() {
  const auto plan = experiment_->plan();
  for (int row = 0; row < plannedCategories_.size(); ++row) {
    const auto* experiment = plan ? plan->for_category(plannedCategories_[row].toStdString()) : nullptr;
    planTable_->setItem(row, kExperimentColumn,
                        new QTableWidgetItem(experiment ? QString::fromStdString(experiment::describe(*experiment))
                                                        : (plan ? tr("none") : tr("(plan not valid)"))));
  }
}

void PushDialog::showServingVersion() {
  if (target().isEmpty()) {
    serving_->setText(tr("Choose the folder to publish to."));
    return;
  }
  try {
    const auto version = exporting::current_version(target().toStdString());
    serving_->setText(version ? tr("Serving now: %1").arg(QString::fromStdString(*version))
                              : tr("Nothing published there yet."));
  } catch (const std::exception& error) {
    serving_->setText(tr("The target's CURRENT cannot be read: %1").arg(QString::fromStdString(error.what())));
  }
}

void PushDialog::updateButtons() {
  QString problem;
  const bool experimentShips = experimentPlan(&problem).has_value();
  publishButton_->setEnabled(!publishing_ && plannedImages_ > 0 && !target().isEmpty() && experimentShips);
  publishButton_->setToolTip(experimentShips ? QString() : tr("The experiment cannot ship: %1").arg(problem));
  cancelButton_->setEnabled(publishing_);
  closeButton_->setEnabled(!publishing_);
  target_->setEnabled(!publishing_);
}

bool PushDialog::publish() {
  if (publishing_ || plannedImages_ == 0 || target().isEmpty() || !session_.isOpen()) return false;
  auto experiments = experimentPlan(nullptr);
  if (!experiments) return false;
  exporting::BundleOptions options;
  options.experiments = std::move(*experiments);
  publishing_ = true;
  QSettings().setValue(kTargetSetting, target());
  cancel_ = CancellationToken();
  const CancellationToken cancel = cancel_;
  const std::string file = session_.file().toStdString();
  const std::filesystem::path folder = target().toStdString();
  progress_->setRange(0, 0);  // busy until the first progress report
  result_->setText(tr("Publishing to %1…").arg(target()));
  updateButtons();
  QPointer<QProgressBar> bar = progress_;
  const ProgressSink progress = [bar](const Progress& step) {
    QMetaObject::invokeMethod(
        bar,
        [bar, step] {
          if (!bar) return;
          bar->setRange(0, static_cast<int>(std::max<int64_t>(step.total, 1)));
          bar->setValue(static_cast<int>(step.done));
          bar->setFormat(QString::fromStdString(step.message) + " %p%");
        },
        Qt::QueuedConnection);
  };
  publishWork_.setFuture(QtConcurrent::run([file, folder, options, progress, cancel] {
    auto outcome = std::make_shared<PublishOutcome>();
    try {
      std::filesystem::create_directories(folder);
      auto project = Project::open(file);
      outcome->result = exporting::publish(project, options, folder, {}, progress, cancel);
    } catch (const Cancelled&) {
      outcome->error = QObject::tr("cancelled");
    } catch (const std::exception& error) {
      outcome->error = QString::fromStdString(error.what());
    }
    return outcome;
  }));
  return true;
}

void PushDialog::cancel() {
  if (!publishing_) return;
  cancel_.cancel();
  cancelButton_->setEnabled(false);
  result_->setText(tr("Cancelling…"));
}

void PushDialog::showPublished() {
  publishing_ = false;
  const auto outcome = publishWork_.result();
  progress_->setRange(0, 1);
  progress_->setValue(outcome->error.isEmpty() ? 1 : 0);
  progress_->setFormat("%p%");
  QString text;
  // The outcome is what happened on disk: a publish that finished before it saw a cancel is
  // reported as published.
  if (outcome->error == tr("cancelled")) {
    text = tr("cancelled: nothing was switched, the serving version is unchanged");
  } else if (!outcome->error.isEmpty()) {
    text = tr("failed: %1 (the serving version is unchanged)").arg(outcome->error);
  } else {
    const auto& result = outcome->result;
    text = tr("published %1: %2 files, %3 images (%4 KB) in %5")
               .arg(QString::fromStdString(result.version))
               .arg(result.build.manifest.files.size())
               .arg(result.build.plan.image_count())
               .arg(result.build.image_bytes / 1024)
               .arg(QString::fromStdString(result.folder.string()));
    if (!result.removed_versions.empty()) text += tr("; old versions removed: %1").arg(result.removed_versions.size());
    if (!result.prune_error.empty())
      text += tr("; old versions not pruned: %1").arg(QString::fromStdString(result.prune_error));
  }
  result_->setText(text);
  showServingVersion();
  updateButtons();
  emit published(text);
}

void PushDialog::reject() {
  if (publishing_) return;
  QDialog::reject();
}

}  // namespace backdrop::ui
