#include "ui/import_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "core/common/csv_reader.h"

namespace backdrop::ui {
namespace {

constexpr int kPreviewRows = 8;
const QStringList kFields{"Product id", "Category", "Title", "Image"};

QStringList toStringList(const std::vector<std::string>& fields) {
  QStringList list;
  for (const auto& field : fields) list << QString::fromStdString(field);
  return list;
}

}  // namespace

ImportDialog::ImportDialog(const QString& source, QWidget* parent) : QDialog(parent), source_(source) {
  setObjectName("importDialog");
  setWindowTitle(tr("Import Catalogue"));
  isFolder_ = QFileInfo(source).isDir();
  preview_ = new QTableWidget;
  preview_->setObjectName("importPreview");
  preview_->horizontalHeader()->setStretchLastSection(true);
  preview_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(tr("Importing <b>%1</b>").arg(QFileInfo(source).fileName())));
  if (isFolder_) {
    buildFolderPreview();
  } else {
    buildCsvMapping();
  }
  layout->addWidget(preview_, 1);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Import"));
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
  resize(760, 420);
}

void ImportDialog::buildCsvMapping() {
  CsvReader reader(source_.toStdString());
  std::vector<std::string> fields;
  if (reader.next(fields)) header_ = toStringList(fields);
  while (rows_.size() < kPreviewRows && reader.next(fields)) rows_ << toStringList(fields);

  auto* form = new QFormLayout;
  const CatalogColumns defaults;
  const QStringList guesses{QString::fromStdString(defaults.id), QString::fromStdString(defaults.category),
                            QString::fromStdString(defaults.title), QString::fromStdString(defaults.image)};
  for (int field = 0; field < kFields.size(); ++field) {
    auto* combo = new QComboBox;
    combo->setObjectName("mapping" + QString(kFields[field]).remove(' '));
    combo->addItems(header_);
    const int guess = header_.indexOf(guesses[field]);
    combo->setCurrentIndex(guess >= 0 ? guess : std::min<int>(field, header_.size() - 1));
    connect(combo, &QComboBox::currentIndexChanged, this, &ImportDialog::updatePreview);
    form->addRow(kFields[field] + ":", combo);
    mapping_ << combo;
  }
  static_cast<QVBoxLayout*>(layout())->addLayout(form);
  updatePreview();
}

void ImportDialog::updatePreview() {
  preview_->clear();
  preview_->setColumnCount(kFields.size());
  preview_->setHorizontalHeaderLabels(kFields);
  preview_->setRowCount(rows_.size());
  for (int row = 0; row < rows_.size(); ++row) {
    for (int field = 0; field < mapping_.size(); ++field) {
      const int column = mapping_[field]->currentIndex();
      preview_->setItem(row, field, new QTableWidgetItem(column >= 0 ? rows_[row].value(column) : QString()));
    }
  }
}

void ImportDialog::buildFolderPreview() {
  category_ = new QLineEdit(QFileInfo(source_).fileName());
  category_->setObjectName("folderCategory");
  auto* form = new QFormLayout;
  form->addRow(tr("Category:"), category_);
  static_cast<QVBoxLayout*>(layout())->addLayout(form);
  const QStringList images =
      // The extensions core's import_image_folder() takes, in any letter case.
      QDir(source_).entryList({"*.jpg", "*.jpeg", "*.png", "*.webp", "*.bmp", "*.tif", "*.tiff"},
                              QDir::Files, QDir::Name);  // name filters ignore case by default
  preview_->setColumnCount(2);
  preview_->setHorizontalHeaderLabels({tr("Product id"), tr("Image")});
  preview_->setRowCount(images.size());
  for (int row = 0; row < images.size(); ++row) {
    preview_->setItem(row, 0, new QTableWidgetItem(QFileInfo(images[row]).completeBaseName()));
    preview_->setItem(row, 1, new QTableWidgetItem(images[row]));
  }
}

CatalogColumns ImportDialog::columns() const {
  CatalogColumns columns;
  if (mapping_.size() == 4) {
    columns.id = mapping_[0]->currentText().toStdString();
    columns.category = mapping_[1]->currentText().toStdString();
    columns.title = mapping_[2]->currentText().toStdString();
    columns.image = mapping_[3]->currentText().toStdString();
  }
  return columns;
}

QString ImportDialog::folderCategory() const { return category_ ? category_->text().trimmed() : QString(); }

}  // namespace backdrop::ui
