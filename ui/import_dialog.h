#pragma once
// Before a catalogue is imported: which CSV column holds the id, category, title and image (guessed
// from the header, changeable), with the first rows previewed under that mapping. For a folder of
// images: the category its products get, and the files that will become products.

#include <QDialog>

#include "core/catalog/catalog.h"

class QComboBox;
class QLineEdit;
class QTableWidget;

namespace backdrop::ui {

class ImportDialog : public QDialog {
  Q_OBJECT

 public:
  // `source`: a CSV file or a folder of images. Throws CsvError when the CSV cannot be read.
  explicit ImportDialog(const QString& source, QWidget* parent = nullptr);

  bool isFolder() const { return isFolder_; }
  CatalogColumns columns() const;
  QString folderCategory() const;

 private:
  void buildCsvMapping();
  void buildFolderPreview();
  void updatePreview();

  QString source_;
  bool isFolder_ = false;
  QStringList header_;
  QList<QStringList> rows_;  // the first rows, for the preview
  QList<QComboBox*> mapping_;  // id, category, title, image
  QLineEdit* category_ = nullptr;
  QTableWidget* preview_ = nullptr;
};

}  // namespace backdrop::ui
