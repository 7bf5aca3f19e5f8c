#include "ui/experiment_plan_editor.h"

#include <QComboBox>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QTableWidget>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

namespace backdrop::ui {
namespace {

enum Column { kName, kKind, kShare, kBundle };
const char* const kKinds[] = {"original", "white", "random-prompt", "personalised", "previous-bundle"};

QString randomSalt() {
  return QString::number(QRandomGenerator::global()->generate64(), 16);
}

}  // namespace

ExperimentPlanEditor::ExperimentPlanEditor(QWidget* parent) : QGroupBox(tr("Run an online experiment"), parent) {
  setObjectName("experimentPlanEditor");
  setCheckable(true);
  setChecked(false);
  file_ = new QLineEdit;
  file_->setObjectName("experimentPlanFile");
  file_->setReadOnly(true);
  file_->setPlaceholderText(tr("a plan file (experiment-plan.schema.json), or set one experiment below"));
  auto* chooseFile = new QPushButton(tr("Load Plan…"));
  chooseFile->setObjectName("experimentLoadPlan");
  clearFile_ = new QPushButton(tr("Clear"));
  clearFile_->setObjectName("experimentClearPlan");
  id_ = new QLineEdit(QStringLiteral("experiment-%1").arg(QDateTime::currentDateTimeUtc().toString("yyyyMMdd")));
  id_->setObjectName("experimentId");
  salt_ = new QLineEdit(randomSalt());
  salt_->setObjectName("experimentSalt");
  category_ = new QLineEdit(QString::fromLatin1(experiment::kEveryCategory));
  category_->setObjectName("experimentCategory");
  category_->setToolTip(tr("A category's name, or * for every category"));
  groups_ = new QTableWidget(0, 4);
  groups_->setObjectName("experimentGroups");
  groups_->setHorizontalHeaderLabels({tr("Group"), tr("Kind"), tr("Share"), tr("Earlier version")});
  groups_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  groups_->horizontalHeader()->setStretchLastSection(true);
  groups_->setMinimumHeight(110);
  control_ = new QComboBox;
  control_->setObjectName("experimentControl");
  addGroup_ = new QPushButton(tr("Add Group"));
  addGroup_->setObjectName("experimentAddGroup");
  removeGroup_ = new QPushButton(tr("Remove Group"));
  removeGroup_->setObjectName("experimentRemoveGroup");
  status_ = new QLabel;
  status_->setObjectName("experimentStatus");
  status_->setWordWrap(true);

  auto* fileRow = new QHBoxLayout;
  fileRow->addWidget(file_, 1);
  fileRow->addWidget(chooseFile);
  fileRow->addWidget(clearFile_);
  auto* groupButtons = new QHBoxLayout;
  groupButtons->addWidget(addGroup_);
  groupButtons->addWidget(removeGroup_);
  groupButtons->addStretch(1);
  auto* form = new QFormLayout;
  form->addRow(tr("Plan file:"), fileRow);
  form->addRow(tr("Experiment id:"), id_);
  form->addRow(tr("Salt:"), salt_);
  form->addRow(tr("Category:"), category_);
  form->addRow(tr("Control group:"), control_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(groups_);
  layout->addLayout(groupButtons);
  layout->addWidget(status_);

  connect(chooseFile, &QPushButton::clicked, this, [this] {
    const auto file = QFileDialog::getOpenFileName(this, tr("Experiment Plan"), QString(), tr("JSON (*.json)"));
    if (!file.isEmpty()) loadFile(file);
  });
  connect(clearFile_, &QPushButton::clicked, this, &ExperimentPlanEditor::clearFile);
  connect(addGroup_, &QPushButton::clicked, this, [this] {
    addGroupRow({"group-" + std::to_string(groups_->rowCount() + 1), experiment::GroupKind::personalised, 0.0, ""});
    emitChanged();
  });
  connect(removeGroup_, &QPushButton::clicked, this, [this] {
    if (groups_->rowCount() > 0)
      groups_->removeRow(groups_->currentRow() >= 0 ? groups_->currentRow() : groups_->rowCount() - 1);
    emitChanged();
  });
  connect(groups_, &QTableWidget::cellChanged, this, &ExperimentPlanEditor::emitChanged);
  connect(control_, &QComboBox::currentTextChanged, this, &ExperimentPlanEditor::emitChanged);
  for (auto* edit : {id_, salt_, category_})
    connect(edit, &QLineEdit::textChanged, this, &ExperimentPlanEditor::emitChanged);
  connect(this, &QGroupBox::toggled, this, &ExperimentPlanEditor::emitChanged);

  setGroups({{"original", experiment::GroupKind::original, 0.05, ""},
             {"random", experiment::GroupKind::random_prompt, 0.05, ""},
             {"personalised", experiment::GroupKind::personalised, 0.90, ""}});
}

void ExperimentPlanEditor::setGroups(const std::vector<experiment::ExperimentGroup>& groups) {
  refreshing_ = true;
  groups_->setRowCount(0);
  for (const auto& group : groups) addGroupRow(group);
  refreshing_ = false;
  emitChanged();
}

void ExperimentPlanEditor::addGroupRow(const experiment::ExperimentGroup& group) {
  const bool was_refreshing = refreshing_;
  refreshing_ = true;
  const int row = groups_->rowCount();
  groups_->insertRow(row);
  groups_->setItem(row, kName, new QTableWidgetItem(QString::fromStdString(group.name)));
  auto* kind = new QComboBox;
  for (const auto* name : kKinds) kind->addItem(QString::fromLatin1(name));
  kind->setCurrentText(QString::fromLatin1(experiment::kind_name(group.kind).data()));
  connect(kind, &QComboBox::currentTextChanged, this, &ExperimentPlanEditor::emitChanged);
  groups_->setCellWidget(row, kKind, kind);
  auto* share = new QDoubleSpinBox;
  share->setRange(0.0, 1.0);
  share->setDecimals(4);
  share->setSingleStep(0.05);
  share->setValue(group.share);
  connect(share, &QDoubleSpinBox::valueChanged, this, &ExperimentPlanEditor::emitChanged);
  groups_->setCellWidget(row, kShare, share);
  groups_->setItem(row, kBundle, new QTableWidgetItem(QString::fromStdString(group.bundle)));
  refreshing_ = was_refreshing;
}

nlohmann::json ExperimentPlanEditor::editedJson() const {
  auto groups = nlohmann::json::array();
  for (int row = 0; row < groups_->rowCount(); ++row) {
    const auto kind = static_cast<QComboBox*>(groups_->cellWidget(row, kKind))->currentText().toStdString();
    nlohmann::json group{
        {"name", groups_->item(row, kName) ? groups_->item(row, kName)->text().trimmed().toStdString() : ""},
        {"kind", kind},
        {"share", static_cast<QDoubleSpinBox*>(groups_->cellWidget(row, kShare))->value()}};
    const auto bundle = groups_->item(row, kBundle) ? groups_->item(row, kBundle)->text().trimmed() : QString();
    if (kind == "previous-bundle" || !bundle.isEmpty()) group["bundle"] = bundle.toStdString();
    groups.push_back(std::move(group));
  }
  nlohmann::json experiment{{"id", id_->text().trimmed().toStdString()},
                            {"salt", salt_->text().toStdString()},
                            {"category", category_->text().trimmed().toStdString()},
                            {"groups", std::move(groups)}};
  if (!control_->currentText().isEmpty()) experiment["control"] = control_->currentText().toStdString();
  return {{"experiments", {std::move(experiment)}}};
}

std::optional<experiment::ExperimentPlan> ExperimentPlanEditor::plan(QString* error) const {
  if (!isChecked()) return experiment::ExperimentPlan{};
  if (fromFile_) return fromFile_;
  try {
    return experiment::plan_from_json(editedJson(), "experiment");
  } catch (const experiment::PlanError& failure) {
    if (error) *error = QString::fromStdString(failure.what());
    return std::nullopt;
  }
}

bool ExperimentPlanEditor::loadFile(const QString& file) {
  try {
    fromFile_ = experiment::read_plan_file(file.toStdString());
    file_->setText(file);
    setChecked(true);
  } catch (const experiment::PlanError& failure) {
    fromFile_.reset();
    file_->clear();
    status_->setText(tr("<b>Plan not loaded:</b> %1").arg(QString::fromStdString(failure.what()).toHtmlEscaped()));
    emit changed();
    return false;
  }
  emitChanged();
  return true;
}

void ExperimentPlanEditor::clearFile() {
  fromFile_.reset();
  file_->clear();
  emitChanged();
}

// The control's choices follow the group names; the editor is read-only while a file's plan is used.
void ExperimentPlanEditor::refreshControls() {
  refreshing_ = true;
  const auto current = control_->currentText();
  QStringList names;
  for (int row = 0; row < groups_->rowCount(); ++row) {
    if (groups_->item(row, kName)) names << groups_->item(row, kName)->text().trimmed();
  }
  QStringList items;
  for (int i = 0; i < control_->count(); ++i) items << control_->itemText(i);
  if (items != names) {
    control_->clear();
    control_->addItems(names);
    control_->setCurrentText(names.contains(current) ? current : names.value(0));
  }
  const bool editing = !fromFile_;
  for (QWidget* widget :
       std::initializer_list<QWidget*>{id_, salt_, category_, groups_, control_, addGroup_, removeGroup_})
    widget->setEnabled(editing);
  clearFile_->setEnabled(!editing);
  refreshing_ = false;
}

void ExperimentPlanEditor::emitChanged() {
  if (refreshing_) return;
  refreshControls();
  QString error;
  const auto current = plan(&error);
  if (!isChecked()) {
    status_->setText(tr("No experiment: every request is personalised."));
  } else if (!current) {
    status_->setText(tr("<b>Not a valid plan:</b> %1").arg(error.toHtmlEscaped()));
  } else {
    QStringList lines;
    for (const auto& experiment : current->experiments)
      lines << QString::fromStdString(experiment::describe(experiment)).toHtmlEscaped();
    status_->setText(lines.join("<br>"));
  }
  emit changed();
}

}  // namespace backdrop::ui
