#include "ui/catalogue_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <set>

#include "core/store/product_repository.h"
#include "ui/roles.h"
#include "ui/scoped_future_watcher.h"
#include "ui/thumbnail_grid.h"

namespace backdrop::ui {
namespace {

constexpr int kThumbnailSize = 128;

struct Thumbnail {
  int row;
  QImage image;
};

// Decodes only as many pixels as the thumbnail needs; runs on a worker thread.
Thumbnail decodeThumbnail(int row, const QString& path) {
  QImageReader reader(path);
  reader.setAutoTransform(true);  // EXIF orientation
  const QSize size = reader.size();
  if (size.isValid()) reader.setScaledSize(size.scaled(kThumbnailSize, kThumbnailSize, Qt::KeepAspectRatio));
  return {row, reader.read()};
}

// Shown until a product's thumbnail is decoded, so every cell has its final size from the start.
QIcon placeholderIcon() {
  QPixmap pixmap(kThumbnailSize, kThumbnailSize);
  pixmap.fill(QColor(235, 235, 235));
  return QIcon(pixmap);
}

}  // namespace

CataloguePanel::CataloguePanel(QWidget* parent) : QWidget(parent) {
  setObjectName("cataloguePanel");
  pages_ = new QStackedWidget(this);
  pages_->addWidget(buildEmptyState());
  pages_->addWidget(buildBrowser());
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(pages_);
}

QWidget* CataloguePanel::buildEmptyState() {
  auto* page = new QWidget;
  page->setObjectName("catalogueEmptyState");
  auto* title = new QLabel(tr("<h3>No products yet</h3>"));
  emptyHint_ =
      new QLabel(tr("Create or open a project (File › New Project…), then import a catalogue: a CSV "
                    "with one row per product (id, category, title, image) or a folder of photos."));
  auto* hint = emptyHint_;
  hint->setObjectName("catalogueEmptyHint");
  hint->setWordWrap(true);
  auto* open = new QPushButton(tr("Import Catalogue…"));
  open->setObjectName("openCatalogueButton");
  connect(open, &QPushButton::clicked, this, &CataloguePanel::openCatalogueRequested);

  auto* layout = new QVBoxLayout(page);
  layout->addStretch();
  layout->addWidget(title, 0, Qt::AlignHCenter);
  // A word-wrapped label given an alignment in a layout is squeezed to a guessed width and its
  // lines overlap; it takes the full width and centres its own text instead.
  layout->addWidget(hint);
  title->setAlignment(Qt::AlignCenter);
  hint->setAlignment(Qt::AlignCenter);
  layout->addWidget(open, 0, Qt::AlignHCenter);
  layout->addStretch();
  return page;
}

QWidget* CataloguePanel::buildBrowser() {
  auto* page = new QWidget;
  categoryFilter_ = new QComboBox;
  categoryFilter_->setObjectName("categoryFilter");
  search_ = new QLineEdit;
  search_->setObjectName("productSearch");
  search_->setPlaceholderText(tr("Search products"));
  search_->setClearButtonEnabled(true);
  sortOrder_ = new QComboBox;
  sortOrder_->setObjectName("sortOrder");
  sortOrder_->addItems({tr("Sort by id"), tr("Sort by title"), tr("Sort by category"), tr("Sort by progress")});

  model_ = new QStandardItemModel(this);
  categoryProxy_ = new QSortFilterProxyModel(this);
  categoryProxy_->setSourceModel(model_);
  categoryProxy_->setFilterRole(kCategoryRole);
  searchProxy_ = new QSortFilterProxyModel(this);
  searchProxy_->setSourceModel(categoryProxy_);
  searchProxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  searchProxy_->setFilterRole(kSearchTextRole);
  searchProxy_->setSortRole(kSortKeyRole);

  grid_ = makeThumbnailGrid("productGrid", kThumbnailSize, 72);
  grid_->setUniformItemSizes(false);  // the badge line changes the text after the first layout
  grid_->setSpacing(4);
  grid_->setModel(searchProxy_);

  connect(categoryFilter_, &QComboBox::currentIndexChanged, this, &CataloguePanel::applyCategoryFilter);
  connect(search_, &QLineEdit::textChanged, searchProxy_, &QSortFilterProxyModel::setFilterFixedString);
  connect(sortOrder_, &QComboBox::currentIndexChanged, this, &CataloguePanel::applySortOrder);
  connect(grid_, &QListView::activated, this,
          [this](const QModelIndex& index) { emit productActivated(index.data(kProductIdRole).toString()); });
  connect(grid_->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex& current) {
    emit currentProductChanged(current.isValid() ? current.data(kProductIdRole).toString() : QString());
  });

  auto* filters = new QHBoxLayout;
  filters->addWidget(categoryFilter_);
  filters->addWidget(search_, 1);
  filters->addWidget(sortOrder_);
  auto* layout = new QVBoxLayout(page);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addLayout(filters);
  layout->addWidget(grid_, 1);
  return page;
}

void CataloguePanel::applyCategoryFilter(int index) {
  const QString category = index <= 0 ? QString() : categoryFilter_->itemText(index);
  categoryProxy_->setFilterRegularExpression(
      category.isEmpty() ? QRegularExpression() : QRegularExpression("^" + QRegularExpression::escape(category) + "$"));
}

void CataloguePanel::showProducts(const std::vector<StoredProduct>& products,
                                  const QMap<QString, ProductStatus>& statuses) {
  model_->clear();
  const QIcon placeholder = placeholderIcon();
  std::set<QString> categories;
  for (const auto& product : products) {
    const QString id = QString::fromStdString(product.external_id);
    auto* item = new QStandardItem(placeholder, QString::fromStdString(product.title));
    item->setEditable(false);
    item->setData(id, kProductIdRole);
    item->setData(QString::fromStdString(product.category), kCategoryRole);
    item->setData(QString::fromStdString(product.title), kTitleRole);
    item->setData(QString::fromStdString(product.image_path), kImagePathRole);
    item->setData(QString::fromStdString(product.external_id + " " + product.category + " " + product.title),
                  kSearchTextRole);
    model_->appendRow(item);
    categories.insert(QString::fromStdString(product.category));
  }
  categoryFilter_->blockSignals(true);
  categoryFilter_->clear();
  categoryFilter_->addItem(tr("All categories"));
  for (const auto& category : categories) categoryFilter_->addItem(category);
  categoryFilter_->blockSignals(false);
  applyCategoryFilter(0);
  updateStatuses(statuses);
  pages_->setCurrentIndex(products.empty() ? 0 : 1);
  // Shown for an open project only: the hint speaks of the next step, not of creating one.
  emptyHint_->setText(
      tr("This project has no products yet. Import a catalogue: a CSV with one row per product "
         "(id, category, title, image) or a folder of photos."));
  loadThumbnails();
}

void CataloguePanel::updateStatuses(const QMap<QString, ProductStatus>& statuses) {
  for (int row = 0; row < model_->rowCount(); ++row) {
    QStandardItem* item = model_->item(row);
    const QString id = item->data(kProductIdRole).toString();
    const ProductStatus status = statuses.value(id);
    const QString title = item->data(kTitleRole).toString();
    item->setText(status.badges() + "\n" + title);  // badges first, so eliding never hides them
    item->setToolTip(id + " · " + item->data(kCategoryRole).toString() + "\n" + title + "\n" + status.badges());
    item->setData(status.rank(), kStatusRole);
    item->setData(status.maskNeedsAttention, kAttentionRole);
    item->setForeground(status.maskNeedsAttention ? QColor(176, 96, 0)
                        : status.flagged > 0      ? QColor(176, 40, 40)
                        : status.approved > 0     ? QColor(30, 120, 50)
                                                  : QColor());
  }
  applySortOrder(sortOrder_->currentIndex());
}

void CataloguePanel::applySortOrder(int index) {
  for (int row = 0; row < model_->rowCount(); ++row) {
    QStandardItem* item = model_->item(row);
    const QString id = item->data(kProductIdRole).toString();
    QVariant key;
    switch (index) {
      case 1: key = item->data(kTitleRole).toString().toLower(); break;
      case 2: key = item->data(kCategoryRole).toString() + " " + id; break;
      case 3: key = QString::number(9 - item->data(kStatusRole).toInt()) + id; break;
      default: key = id;
    }
    // Masks that need attention come first in every order: a person has to look at them.
    const QString first = item->data(kAttentionRole).toBool() ? "0" : "1";
    item->setData(first + key.toString(), kSortKeyRole);
  }
  searchProxy_->sort(0);
}

QString CataloguePanel::currentProductId() const {
  return grid_->currentIndex().isValid() ? grid_->currentIndex().data(kProductIdRole).toString() : QString();
}

QStringList CataloguePanel::selectedProductIds() const {
  QStringList ids;
  for (const QModelIndex& index : grid_->selectionModel()->selectedIndexes()) ids << index.data(kProductIdRole).toString();
  if (ids.isEmpty() && !currentProductId().isEmpty()) ids << currentProductId();
  return ids;
}

bool CataloguePanel::selectProduct(const QString& productId) {
  for (int row = 0; row < searchProxy_->rowCount(); ++row) {
    const QModelIndex index = searchProxy_->index(row, 0);
    if (index.data(kProductIdRole).toString() == productId) {
      grid_->setCurrentIndex(index);
      grid_->scrollTo(index);
      return true;
    }
  }
  return false;
}

QStringList CataloguePanel::shownProductIds() const {
  QStringList ids;
  for (int row = 0; row < searchProxy_->rowCount(); ++row) ids << searchProxy_->index(row, 0).data(kProductIdRole).toString();
  return ids;
}

int CataloguePanel::productCount() const { return model_->rowCount(); }

void CataloguePanel::loadThumbnails() {
  QList<QPair<int, QString>> jobs;
  for (int row = 0; row < model_->rowCount(); ++row) jobs.append({row, model_->item(row)->data(kImagePathRole).toString()});
  if (thumbnails_) {  // a previous catalogue's thumbnails must not land in this one's rows
    thumbnails_->disconnect(this);
    thumbnails_->cancel();
  }
  auto* watcher = new ScopedFutureWatcher<Thumbnail>(this);
  thumbnails_ = watcher;
  QStandardItemModel* model = model_;
  connect(watcher, &QFutureWatcher<Thumbnail>::resultReadyAt, this, [watcher, model](int index) {
    const Thumbnail thumbnail = watcher->resultAt(index);
    if (QStandardItem* item = model->item(thumbnail.row); item != nullptr && !thumbnail.image.isNull()) {
      item->setIcon(thumbnailIcon(QPixmap::fromImage(thumbnail.image)));
    }
  });
  connect(watcher, &QFutureWatcher<Thumbnail>::finished, watcher, &QObject::deleteLater);
  watcher->setFuture(QtConcurrent::mapped(jobs, [](const QPair<int, QString>& job) {
    return decodeThumbnail(job.first, job.second);
  }));
}

}  // namespace backdrop::ui
