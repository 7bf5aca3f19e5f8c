#pragma once
// The thumbnail grids of the studio (products, variants): an icon-mode list view with fixed cells,
// several selectable items, arrow-key navigation and the text wrapped under each thumbnail.

#include <QIcon>
#include <QListView>
#include <QPixmap>

namespace backdrop::ui {

// `textHeight`: room under the thumbnail for the caption lines.
inline QListView* makeThumbnailGrid(const QString& name, int thumbnail, int textHeight) {
  auto* grid = new QListView;
  grid->setObjectName(name);
  grid->setViewMode(QListView::IconMode);
  grid->setIconSize(QSize(thumbnail, thumbnail));
  grid->setGridSize(QSize(thumbnail + 40, thumbnail + textHeight));
  grid->setSelectionMode(QAbstractItemView::ExtendedSelection);
  grid->setTextElideMode(Qt::ElideRight);
  grid->setResizeMode(QListView::Adjust);
  grid->setMovement(QListView::Static);
  grid->setWordWrap(true);
  return grid;
}

// A thumbnail's icon, drawn the same whether its cell is selected or not. Qt tints a selected
// icon with the highlight colour, which would misstate the very colours a reviewer judges; the
// selection shows in the cell's caption instead.
inline QIcon thumbnailIcon(const QPixmap& pixmap) {
  QIcon icon;
  icon.addPixmap(pixmap, QIcon::Normal);
  icon.addPixmap(pixmap, QIcon::Selected);
  return icon;
}

}  // namespace backdrop::ui
