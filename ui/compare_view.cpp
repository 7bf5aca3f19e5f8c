#include "ui/compare_view.h"

#include <QButtonGroup>
#include <QGraphicsPixmapItem>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QScrollBar>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWheelEvent>

namespace backdrop::ui {
namespace {

struct LayerButton {
  CompareLayer layer;
  const char* text;
  const char* name;
  Qt::Key key;
};
constexpr LayerButton kLayerButtons[] = {{CompareLayer::output, "Output (O)", "compareOutput", Qt::Key_O},
                                         {CompareLayer::mask, "Mask (M)", "compareMask", Qt::Key_M},
                                         {CompareLayer::edges, "Edges (E)", "compareEdges", Qt::Key_E}};

}  // namespace

CompareView::CompareView(QWidget* parent) : QWidget(parent) {
  setObjectName("compareView");
  setFocusPolicy(Qt::StrongFocus);
  layerButtons_ = new QButtonGroup(this);
  auto* toggle = new QHBoxLayout;
  toggle->setSpacing(0);
  for (const auto& [layer, text, name, key] : kLayerButtons) {
    auto* button = new QToolButton;
    button->setText(tr(text));
    button->setObjectName(name);
    button->setCheckable(true);
    button->setChecked(layer == layer_);
    layerButtons_->addButton(button, static_cast<int>(layer));
    toggle->addWidget(button);
  }
  toggle->addStretch();
  connect(layerButtons_, &QButtonGroup::idClicked, this, [this](int id) { setLayer(static_cast<CompareLayer>(id)); });
  paneLayout_ = new QHBoxLayout;
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(toggle);
  layout->addLayout(paneLayout_, 1);
}

CompareView::~CompareView() {
  // ~QWidget deletes the scenes after this object's members are gone; each scene leaving its view
  // moves the view's scroll bars and sends it events. Unhook both first, or syncFrom() and
  // eventFilter() run on the destroyed views_ and write to freed memory (the heap corruption behind
  // the GUI tests' aborts and hangs at exit).
  for (QGraphicsView* view : views_) {
    view->horizontalScrollBar()->disconnect(this);
    view->verticalScrollBar()->disconnect(this);
    view->viewport()->removeEventFilter(this);
    view->removeEventFilter(this);
  }
}

std::optional<CompareLayer> CompareView::layerForKey(int key) {
  for (const auto& button : kLayerButtons) {
    if (button.key == key) return button.layer;
  }
  return std::nullopt;
}

void CompareView::setPanes(const QList<ComparePane>& panes) {
  while (QLayoutItem* item = paneLayout_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  views_.clear();
  pixmaps_.clear();
  captions_.clear();
  panes_ = panes;
  for (int i = 0; i < panes_.size(); ++i) addPane();
  markCurrent();
  showLayer();
  // Fitted once the views have their final size, i.e. after this event-loop turn's layout.
  fitted_ = true;
  QTimer::singleShot(0, this, &CompareView::fitAll);
}

bool CompareView::setLayers(const QList<ComparePane>& panes) {
  if (!showsVariants(panes)) return false;
  for (int i = 0; i < panes.size(); ++i) panes_[i].layers = panes[i].layers;
  showLayer();
  if (fitted_) fitAll();  // the first image of a pane: fitted, as a new selection is
  return true;
}

bool CompareView::setCaptions(const QList<ComparePane>& panes) {
  if (!showsVariants(panes)) return false;
  for (int i = 0; i < panes.size(); ++i) {
    panes_[i].caption = panes[i].caption;
    panes_[i].current = panes[i].current;
  }
  markCurrent();
  showLayer();
  return true;
}

bool CompareView::showsVariants(const QList<ComparePane>& panes) const {
  QList<int64_t> ids;
  for (const ComparePane& pane : panes) ids << pane.variantId;
  return ids == shownVariantIds();
}

void CompareView::markCurrent() {
  for (int i = 0; i < captions_.size(); ++i) {
    QFont font = captions_[i]->font();
    font.setBold(panes_[i].current && panes_.size() > 1);  // which of the compared variants the keys act on
    captions_[i]->setFont(font);
  }
}

QList<int64_t> CompareView::shownVariantIds() const {
  QList<int64_t> ids;
  for (const ComparePane& pane : panes_) ids << pane.variantId;
  return ids;
}

void CompareView::addPane() {
  auto* scene = new QGraphicsScene(this);
  auto* pixmap = scene->addPixmap(QPixmap());
  pixmap->setTransformationMode(Qt::SmoothTransformation);
  auto* view = new QGraphicsView(scene);
  view->setObjectName("compareImage");
  view->setDragMode(QGraphicsView::ScrollHandDrag);
  view->setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
  // Without scroll bars a fitted image fills its pane exactly (a bar appearing would crop it);
  // dragging still pans a zoomed image.
  view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  view->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  view->viewport()->installEventFilter(this);
  view->installEventFilter(this);  // layer keys work while a pane has the focus
  for (QScrollBar* bar : {view->horizontalScrollBar(), view->verticalScrollBar()}) {
    connect(bar, &QScrollBar::valueChanged, this, [this, view] { syncFrom(view); });
  }
  auto* column = new QWidget;
  auto* columnLayout = new QVBoxLayout(column);
  columnLayout->setContentsMargins(0, 0, 0, 0);
  columnLayout->addWidget(view, 1);
  auto* caption = new QLabel;
  caption->setObjectName("compareCaption");
  caption->setAlignment(Qt::AlignCenter);
  caption->setTextFormat(Qt::PlainText);  // prompts are the user's text
  columnLayout->addWidget(caption);
  paneLayout_->addWidget(column);
  views_ << view;
  pixmaps_ << pixmap;
  captions_ << caption;
}

void CompareView::setLayer(CompareLayer layer) {
  if (layer == layer_) return;
  layer_ = layer;
  layerButtons_->button(static_cast<int>(layer))->setChecked(true);
  showLayer();
  emit layerChanged(layer);
}

void CompareView::showLayer() {
  for (int i = 0; i < panes_.size(); ++i) {
    const ComparePane& pane = panes_[i];
    const QImage& image = pane.layers.layer(layer_);
    // Every layer of a variant has the output's canvas size, so the zoom and pan carry over.
    pixmaps_[i]->setPixmap(QPixmap::fromImage(image));
    const bool missing = image.isNull() && !pane.layers.problem.isEmpty();
    captions_[i]->setText(missing ? tr("%1 — %2").arg(pane.caption, pane.layers.problem) : pane.caption);
  }
}

QImage CompareView::shownImage(int index) const {
  return index >= 0 && index < pixmaps_.size() ? pixmaps_[index]->pixmap().toImage() : QImage();
}

void CompareView::fitAll() {
  fitted_ = true;
  for (QGraphicsView* view : views_) fit(view);
}

void CompareView::fit(QGraphicsView* view) {
  const QRectF image = view->scene()->itemsBoundingRect();
  if (!image.isEmpty()) view->fitInView(image, Qt::KeepAspectRatio);
}

void CompareView::zoomBy(double factor) {
  fitted_ = false;
  for (QGraphicsView* view : views_) view->scale(factor, factor);
}

bool CompareView::handleLayerKey(const QKeyEvent* event) {
  const auto layer = layerForKey(event->key());
  if (!layer || event->modifiers() != Qt::NoModifier) return false;
  setLayer(*layer);
  return true;
}

void CompareView::keyPressEvent(QKeyEvent* event) {
  if (!handleLayerKey(event)) QWidget::keyPressEvent(event);
}

void CompareView::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  fitAll();  // a new size starts from the whole picture again, in every pane
}

bool CompareView::eventFilter(QObject* watched, QEvent* event) {
  // A pane gets its final size after this widget's resizeEvent (its layout runs later), and a tab
  // shown for the first time sizes it only then: fitting on the pane's own resize never crops.
  if (event->type() == QEvent::Resize && fitted_) {
    if (auto* view = qobject_cast<QGraphicsView*>(watched)) fit(view);
  }
  if (event->type() == QEvent::Wheel) {
    const auto* wheel = static_cast<QWheelEvent*>(event);
    zoomBy(wheel->angleDelta().y() > 0 ? 1.25 : 0.8);
    return true;
  }
  if (event->type() == QEvent::KeyPress && handleLayerKey(static_cast<QKeyEvent*>(event))) return true;
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
