#pragma once
// Two to four variants side by side with synced zoom (mouse wheel) and pan (drag): what one view
// shows, all show. A loupe is the same view with one variant. One toggle for all panes shows each
// variant's output, its product mask over the output, or its ControlNet edge map (buttons, or the
// keys O, M and E); switching keeps the zoom and pan.

#include <QList>
#include <QWidget>
#include <optional>

#include "ui/variant_layers.h"

class QButtonGroup;
class QGraphicsPixmapItem;
class QGraphicsView;
class QHBoxLayout;
class QKeyEvent;
class QLabel;
class QResizeEvent;

namespace backdrop::ui {

struct ComparePane {
  QString caption;
  VariantLayers layers;
};

class CompareView : public QWidget {
  Q_OBJECT

 public:
  explicit CompareView(QWidget* parent = nullptr);
  ~CompareView() override;
  void setPanes(const QList<ComparePane>& panes);
  int viewCount() const { return views_.size(); }
  void zoomBy(double factor);  // all views together
  void fitAll();

  void setLayer(CompareLayer layer);
  CompareLayer layer() const { return layer_; }
  // The image pane `index` shows now (null when its variant lacks the chosen layer).
  QImage shownImage(int index) const;
  // O, M or E (no modifiers) shows that layer; false for any other key.
  bool handleLayerKey(const QKeyEvent* event);

 signals:
  void layerChanged(CompareLayer layer);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  static std::optional<CompareLayer> layerForKey(int key);
  void showLayer();
  void syncFrom(QGraphicsView* source);

  QHBoxLayout* paneLayout_ = nullptr;
  QButtonGroup* layerButtons_ = nullptr;
  QList<ComparePane> panes_;
  QList<QGraphicsView*> views_;
  QList<QGraphicsPixmapItem*> pixmaps_;
  QList<QLabel*> captions_;
  CompareLayer layer_ = CompareLayer::output;
  bool syncing_ = false;
};

}  // namespace backdrop::ui
