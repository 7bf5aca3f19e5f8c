#include "ui/prompt_editor.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "core/common/colour.h"
#include "core/store/project.h"
#include "ui/project_session.h"
#include "ui/prompt_preview.h"
#include "ui/review_command.h"

namespace backdrop::ui {
namespace {

enum Column { kPrompt, kNegative, kColour, kColumns };

QString promptCount(const PromptSet& set) {
  return set.prompts.size() == 1 ? QObject::tr("1 prompt") : QObject::tr("%1 prompts").arg(set.prompts.size());
}

QPushButton* button(const QString& text, const QString& name) {
  auto* b = new QPushButton(text);
  b->setObjectName(name);
  return b;
}

}  // namespace

PromptEditor::PromptEditor(ProjectSession& session, QWidget* parent) : QWidget(parent), session_(session) {
  setObjectName("promptEditor");
  category_ = new QComboBox;
  category_->setObjectName("promptCategory");
  versions_ = new QListWidget;
  versions_->setObjectName("promptVersions");
  prompts_ = new QTableWidget(0, kColumns);
  prompts_->setObjectName("promptTable");
  prompts_->setHorizontalHeaderLabels({tr("Prompt"), tr("Negative prompt"), tr("Colour")});
  prompts_->horizontalHeaderItem(kColour)->setToolTip(
      tr("Optional colour hint for {color}: %1").arg(QString::fromStdString(accepted_colours())));
  prompts_->horizontalHeader()->setSectionResizeMode(kColour, QHeaderView::ResizeToContents);
  prompts_->horizontalHeader()->setSectionResizeMode(kPrompt, QHeaderView::Stretch);
  prompts_->horizontalHeader()->setSectionResizeMode(kNegative, QHeaderView::Stretch);
  prompts_->setSelectionBehavior(QAbstractItemView::SelectRows);
  preview_ = new PromptPreviewPanel(session_);
  status_ = new QLabel;
  status_->setObjectName("promptStatus");
  status_->setWordWrap(true);

  auto* add = button(tr("Add"), "addPrompt");
  auto* duplicate = button(tr("Duplicate"), "duplicatePrompt");
  auto* remove = button(tr("Remove"), "removePrompt");
  auto* up = button(tr("Move Up"), "movePromptUp");
  auto* down = button(tr("Move Down"), "movePromptDown");
  auto* save = button(tr("Save as New Version"), "savePromptVersion");
  auto* approve = button(tr("Approve Version"), "approvePromptVersion");
  auto* retire = button(tr("Retire Version"), "retirePromptVersion");
  connect(add, &QPushButton::clicked, this, &PromptEditor::addPrompt);
  connect(duplicate, &QPushButton::clicked, this, &PromptEditor::duplicatePrompt);
  connect(remove, &QPushButton::clicked, this, &PromptEditor::removePrompt);
  connect(up, &QPushButton::clicked, this, [this] { movePrompt(-1); });
  connect(down, &QPushButton::clicked, this, [this] { movePrompt(1); });
  connect(save, &QPushButton::clicked, this, &PromptEditor::saveVersion);
  connect(approve, &QPushButton::clicked, this, &PromptEditor::confirmApproval);
  connect(retire, &QPushButton::clicked, this, &PromptEditor::retireSelectedVersion);
  connect(category_, &QComboBox::currentIndexChanged, this, &PromptEditor::showVersions);
  connect(versions_, &QListWidget::currentRowChanged, this, &PromptEditor::showSelectedVersion);
  connect(preview_, &PromptPreviewPanel::previewRequested, this, &PromptEditor::previewSelectedPrompt);

  auto* left = new QWidget;
  left->setMinimumWidth(220);  // room for "v3 · approved · 4 prompts · name"
  auto* leftLayout = new QVBoxLayout(left);
  leftLayout->addWidget(new QLabel(tr("Category")));
  leftLayout->addWidget(category_);
  leftLayout->addWidget(new QLabel(tr("Versions (newest first)")));
  leftLayout->addWidget(versions_, 1);
  leftLayout->addWidget(approve);
  leftLayout->addWidget(retire);

  auto* right = new QWidget;
  auto* rightLayout = new QVBoxLayout(right);
  rightLayout->addWidget(new QLabel(tr("Prompts of the selected version. Placeholders: {product}, {category}, {color}. "
                                       "Edits are saved as a new draft version; a merchandiser approves it.")));
  rightLayout->addWidget(prompts_, 1);
  auto* buttons = new QHBoxLayout;
  for (QPushButton* b : {add, duplicate, remove, up, down}) buttons->addWidget(b);
  buttons->addStretch();
  buttons->addWidget(save);
  rightLayout->addLayout(buttons);
  rightLayout->addWidget(status_);

  auto* splitter = new QSplitter;
  splitter->addWidget(left);
  splitter->addWidget(right);
  splitter->addWidget(preview_);
  splitter->setStretchFactor(1, 3);
  splitter->setSizes({260, 760, 360});  // proportions: versions readable, the table widest
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(splitter);
  connect(&session_, &ProjectSession::productsChanged, this, &PromptEditor::reload);
  connect(&session_, &ProjectSession::projectOpened, this, &PromptEditor::reload);
}

void PromptEditor::reload() {
  if (!session_.isOpen()) return;
  const QString current = category_->currentText();
  QSignalBlocker block(category_);
  category_->clear();
  for (const auto& category : session_.project().products().categories()) category_->addItem(QString::fromStdString(category));
  if (const int index = category_->findText(current); index >= 0) category_->setCurrentIndex(index);
  showVersions();
}

void PromptEditor::showVersions() {
  versions_->clear();
  preview_->setCategory(category_->currentText());
  if (!session_.isOpen() || category_->currentText().isEmpty()) return;
  auto versions = session_.project().prompts().versions(category_->currentText().toStdString());
  std::sort(versions.begin(), versions.end(), [](const auto& a, const auto& b) { return a.version > b.version; });
  for (const auto& set : versions) {
    auto* item = new QListWidgetItem(tr("v%1 · %2 · %3 prompts · %4")
                                         .arg(set.version)
                                         .arg(QString::fromStdString(to_string(set.approval)))
                                         .arg(set.prompts.size())
                                         .arg(QString::fromStdString(set.author)));
    item->setData(Qt::UserRole, static_cast<qlonglong>(set.id));
    if (!set.reviewed_by.empty()) {  // who approved or retired it, and when
      item->setToolTip(tr("%1 by %2 at %3")
                           .arg(QString::fromStdString(to_string(set.approval)),
                                QString::fromStdString(set.reviewed_by), QString::fromStdString(set.reviewed_at)));
    }
    if (set.approval == Approval::approved) item->setForeground(QColor(30, 130, 60));
    if (set.approval == Approval::retired) item->setForeground(QColor(140, 140, 140));
    versions_->addItem(item);
  }
  if (versions_->count() > 0) {
    versions_->setCurrentRow(0);
  } else {
    // Nothing to select: say what to do instead of showing an empty list.
    auto* hint = new QListWidgetItem(tr("No prompt set yet.\nAdd prompts on the right,\nthen Save as New Version."));
    hint->setFlags(Qt::NoItemFlags);
    versions_->addItem(hint);
    prompts_->setRowCount(0);
  }
}

void PromptEditor::showSelectedVersion() {
  const int64_t id = selectedVersionId();
  prompts_->setRowCount(0);
  for (const auto& set : session_.project().prompts().versions(category_->currentText().toStdString())) {
    if (set.id != id) continue;
    for (const auto& entry : set.prompts) {
      const int row = prompts_->rowCount();
      prompts_->insertRow(row);
      prompts_->setItem(row, kPrompt, new QTableWidgetItem(QString::fromStdString(entry.prompt)));
      prompts_->setItem(row, kNegative, new QTableWidgetItem(QString::fromStdString(entry.negative_prompt)));
      prompts_->setItem(row, kColour, new QTableWidgetItem(QString::fromStdString(entry.colour)));
    }
  }
}

int64_t PromptEditor::selectedVersionId() const {
  const auto* item = versions_->currentItem();
  return item ? item->data(Qt::UserRole).toLongLong() : 0;
}

std::optional<PromptSet> PromptEditor::selectedVersion() const {
  const int64_t id = selectedVersionId();
  if (id == 0) return std::nullopt;
  for (auto& set : session_.project().prompts().versions(category_->currentText().toStdString())) {
    if (set.id == id) return std::move(set);
  }
  return std::nullopt;
}

void PromptEditor::addPrompt() {
  const int row = prompts_->rowCount();
  prompts_->insertRow(row);
  prompts_->setItem(row, kPrompt, new QTableWidgetItem(tr("{product} on a clean studio backdrop, soft light")));
  prompts_->setItem(row, kNegative, new QTableWidgetItem(tr("text, watermark, blurry")));
  prompts_->setItem(row, kColour, new QTableWidgetItem());
  prompts_->setCurrentCell(row, kPrompt);
}

void PromptEditor::duplicatePrompt() {
  const int row = prompts_->currentRow();
  if (row < 0) return;
  prompts_->insertRow(row + 1);
  for (int column = 0; column < kColumns; ++column) {
    const auto* item = prompts_->item(row, column);
    prompts_->setItem(row + 1, column, new QTableWidgetItem(item ? item->text() : QString()));
  }
}

void PromptEditor::removePrompt() {
  if (prompts_->currentRow() >= 0) prompts_->removeRow(prompts_->currentRow());
}

void PromptEditor::movePrompt(int delta) {
  const int row = prompts_->currentRow();
  const int target = row + delta;
  if (row < 0 || target < 0 || target >= prompts_->rowCount()) return;
  for (int column = 0; column < kColumns; ++column) {
    QTableWidgetItem* a = prompts_->takeItem(row, column);
    QTableWidgetItem* b = prompts_->takeItem(target, column);
    prompts_->setItem(row, column, b);
    prompts_->setItem(target, column, a);
  }
  prompts_->setCurrentCell(target, prompts_->currentColumn());
}

PromptEntry PromptEditor::entryAt(int row) const {
  auto text = [&](int column) { return prompts_->item(row, column) ? prompts_->item(row, column)->text().trimmed() : QString(); };
  return {0, text(kPrompt).toStdString(), text(kNegative).toStdString(), text(kColour).toStdString()};
}

bool PromptEditor::previewSelectedPrompt() {
  const int row = prompts_->currentRow();
  if (row < 0) return false;
  const PromptEntry entry = entryAt(row);
  return !entry.prompt.empty() && preview_->preview(entry);
}

bool PromptEditor::saveVersion() {
  if (!session_.isOpen() || category_->currentText().isEmpty()) return false;
  std::vector<PromptEntry> entries;
  for (int row = 0; row < prompts_->rowCount(); ++row) {
    if (PromptEntry entry = entryAt(row); !entry.prompt.empty()) entries.push_back(std::move(entry));
  }
  if (entries.empty()) return false;
  try {
    const auto saved =
        session_.project().prompts().add_version(category_->currentText().toStdString(), currentReviewer(), entries);
    status_->setText(tr("Saved as version %1 (draft).").arg(saved.version));
  } catch (const StoreError& error) {
    status_->setText(tr("<b>Not saved:</b> %1").arg(QString::fromStdString(error.what()).toHtmlEscaped()));
    return false;
  }
  showVersions();
  emit session_.promptsChanged();
  return true;
}

void PromptEditor::setSelectedApproval(int approval) {
  session_.project().prompts().set_approval(selectedVersionId(), static_cast<Approval>(approval), currentReviewer());
  const int row = versions_->currentRow();
  showVersions();
  versions_->setCurrentRow(row);
  emit session_.promptsChanged();
}

bool PromptEditor::approveSelectedVersion() {
  if (selectedVersionId() == 0) return false;
  setSelectedApproval(static_cast<int>(Approval::approved));
  const auto set = selectedVersion();
  if (!set) return false;
  status_->setText(
      tr("Approved version %1 for %2 as %3: new generation for %2 uses its %4.")
          .arg(set->version)
          .arg(QString::fromStdString(set->category), QString::fromStdString(set->reviewed_by), promptCount(*set)));
  return true;
}

bool PromptEditor::confirmApproval() {
  const auto set = selectedVersion();
  if (!set) return false;
  QMessageBox ask(
      QMessageBox::Question, tr("Approve Prompt Set"),
      tr("Approve version %1 of %2 (%3)? New generation for %2 will use it. The approval is recorded "
         "under %4.")
          .arg(set->version)
          .arg(QString::fromStdString(set->category), promptCount(*set), QString::fromStdString(currentReviewer())),
      QMessageBox::Yes | QMessageBox::Cancel, this);
  ask.setObjectName("approveConfirmation");
  return ask.exec() == QMessageBox::Yes && approveSelectedVersion();
}

bool PromptEditor::retireSelectedVersion() {
  if (selectedVersionId() == 0) return false;
  setSelectedApproval(static_cast<int>(Approval::retired));
  return true;
}

}  // namespace backdrop::ui
