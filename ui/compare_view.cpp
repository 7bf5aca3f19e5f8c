#include "ui/compare_view.h"

#include <QGraphicsPixmapItem>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollBar>
#include <QTimer>
#include <QVBoxLayout>
#include <QWheelEvent>

namespace backdrop::ui {

CompareView::CompareView(QWidget* parent) : QWidget(parent) {
  setObjectName("compareView");
  new QHBoxLayout(this);
}

void CompareView::setImages(const QList<QPair<QString, QImage>>& captionedImages) {
  while (QLayoutItem* item = layout()->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  views_.clear();
  for (const auto& [caption, image] : captionedImages) {
    auto* scene = new QGraphicsScene(this);
    scene->addPixmap(QPixmap::fromImage(image))->setTransformationMode(Qt::SmoothTransformation);
    auto* view = new QGraphicsView(scene);
    view->setObjectName("compareImage");
    view->setDragMode(QGraphicsView::ScrollHandDrag);
    view->setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    view->viewport()->installEventFilter(this);
    for (QScrollBar* bar : {view->horizontalScrollBar(), view->verticalScrollBar()}) {
      connect(bar, &QScrollBar::valueChanged, this, [this, view] { syncFrom(view); });
    }
    auto* column = new QWidget;
    auto* columnLayout = new QVBoxLayout(column);
    columnLayout->setContentsMargins(0, 0, 0, 0);
    columnLayout->addWidget(view, 1);
    auto* label = new QLabel(caption);
    label->setAlignment(Qt::AlignCenter);
    columnLayout->addWidget(label);
    layout()->addWidget(column);
    views_ << view;
  }
  // Fitted once the views have their final size, i.e. after this event-loop turn's layout.
  QTimer::singleShot(0, this, &CompareView::fitAll);
}

void CompareView::fitAll() {
  for (QGraphicsView* view : views_) view->fitInView(view->sceneRect(), Qt::KeepAspectRatio);
}

void CompareView::zoomBy(double factor) {
  for (QGraphicsView* view : views_) view->scale(factor, factor);
}

bool CompareView::eventFilter(QObject* watched, QEvent* event) {
  if (event->type() == QEvent::Wheel) {
    const auto* wheel = static_cast<QWheelEvent*>(event);
    zoomBy(wheel->angleDelta().y() > 0 ? 1.25 : 0.8);
    return true;
  }
  return QWidget::eventFilter(watched, event);
}

void CompareView::syncFrom(QGraphicsView* source) {
  if (syncing_) return;
  syncing_ = true;
  for (QGraphicsView* view : views_) {
    if (view == source) continue;
    view->horizontalScrollBar()->setValue(source->horizontalScrollBar()->value());
    view->verticalScrollBar()->setValue(source->verticalScrollBar()->value());
  }
  syncing_ = false;
}

}  // namespace backdrop::ui
