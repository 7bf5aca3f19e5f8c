#pragma once
// The catalogue browser: a thumbnail grid of the products with a category filter and a text search.
// Until a catalogue is open it shows what to do next.

#include <QPointer>
#include <QWidget>

class QComboBox;
class QFutureWatcherBase;
class QLineEdit;
class QListView;
class QSortFilterProxyModel;
class QStackedWidget;
class QStandardItemModel;

namespace backdrop {
struct Catalog;
}

namespace backdrop::ui {

class CataloguePanel : public QWidget {
  Q_OBJECT

 public:
  explicit CataloguePanel(QWidget* parent = nullptr);

  void showCatalog(const Catalog& catalog);
  int productCount() const;

 signals:
  void openCatalogueRequested();
  // The product's id, or an empty string when nothing is selected.
  void currentProductChanged(const QString& productId);

 private:
  QWidget* buildEmptyState();
  QWidget* buildBrowser();
  void applyCategoryFilter(int index);
  void loadThumbnails(const Catalog& catalog);

  QStackedWidget* pages_ = nullptr;
  QComboBox* categoryFilter_ = nullptr;
  QLineEdit* search_ = nullptr;
  QListView* grid_ = nullptr;
  QStandardItemModel* model_ = nullptr;
  QSortFilterProxyModel* categoryProxy_ = nullptr;
  QSortFilterProxyModel* searchProxy_ = nullptr;
  QPointer<QFutureWatcherBase> thumbnails_;  // the thumbnail loading in flight, if any
};

}  // namespace backdrop::ui
