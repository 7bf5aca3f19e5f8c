#pragma once
// The catalogue browser: a thumbnail grid of the project's products with a category filter, a text
// search, status badges and a choice of sort order; arrow keys move, Enter opens the product.
// Until a project with products is open it shows what to do next.

#include <QPointer>
#include <QWidget>

class QComboBox;
class QFutureWatcherBase;
class QLabel;
class QLineEdit;
class QListView;
class QSortFilterProxyModel;
class QStackedWidget;
class QStandardItemModel;

#include <QMap>
#include <vector>

#include "ui/product_status.h"

namespace backdrop {
struct StoredProduct;
}

namespace backdrop::ui {

class CataloguePanel : public QWidget {
  Q_OBJECT

 public:
  explicit CataloguePanel(QWidget* parent = nullptr);

  void showProducts(const std::vector<StoredProduct>& products, const QMap<QString, ProductStatus>& statuses);
  // Updates the badges in place, keeping the selection and the scroll position.
  void updateStatuses(const QMap<QString, ProductStatus>& statuses);
  int productCount() const;
  QString currentProductId() const;
  // Makes the product current (and scrolls to it); false when it is not shown.
  bool selectProduct(const QString& productId);
  // The ids in the order shown.
  QStringList shownProductIds() const;
  // The selected products' ids (the current one when nothing else is selected).
  QStringList selectedProductIds() const;

 signals:
  void openCatalogueRequested();
  void productActivated(const QString& productId);
  // The product's id, or an empty string when nothing is selected.
  void currentProductChanged(const QString& productId);

 private:
  QWidget* buildEmptyState();
  QWidget* buildBrowser();
  void applyCategoryFilter(int index);
  void applySortOrder(int index);
  void loadThumbnails();

  QStackedWidget* pages_ = nullptr;
  QLabel* emptyHint_ = nullptr;
  QComboBox* categoryFilter_ = nullptr;
  QLineEdit* search_ = nullptr;
  QComboBox* sortOrder_ = nullptr;
  QListView* grid_ = nullptr;
  QStandardItemModel* model_ = nullptr;
  QSortFilterProxyModel* categoryProxy_ = nullptr;
  QSortFilterProxyModel* searchProxy_ = nullptr;
  QPointer<QFutureWatcherBase> thumbnails_;  // the thumbnail loading in flight, if any
};

}  // namespace backdrop::ui
