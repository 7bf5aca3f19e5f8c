#pragma once
// Two to four variants side by side with synced zoom (mouse wheel, zoomBy) and pan (drag): what one
// view shows, all show. A loupe is the same view with one variant. Each image is fitted into its
// pane (whole, never cropped) until the user zooms, and again on fitAll(). One toggle for all panes
// shows each variant's output, its product mask over the output, or its ControlNet edge map
// (buttons, or the keys O, M and E); switching keeps the zoom and pan. The panes name their
// variants at once; their layers, loaded on a worker, follow (setLayers).

#include <QList>
#include <QWidget>
#include <cstdint>
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
  int64_t variantId = 0;
  QString caption;
  VariantLayers layers;
  bool current = false;  // the variant the review actions apply to (marked when several are shown)
};

class CompareView : public QWidget {
  Q_OBJECT

 public:
  explicit CompareView(QWidget* parent = nullptr);
  ~CompareView() override;
  void setPanes(const QList<ComparePane>& panes);
  // The loaded layers of the variants shown now (same ids, same order); keeps the zoom and pan.
  // False, changing nothing, when other variants are shown.
  bool setLayers(const QList<ComparePane>& panes);
  // New captions (and which pane is current) for the variants shown now; false as setLayers.
  bool setCaptions(const QList<ComparePane>& panes);
  QList<int64_t> shownVariantIds() const;
  int viewCount() const { return views_.size(); }
  QGraphicsView* view(int index) const { return views_.value(index); }
  void zoomBy(double factor);  // all views together
  void fitAll();
  bool isFitted() const { return fitted_; }

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
  void addPane();
  bool showsVariants(const QList<ComparePane>& panes) const;
  void markCurrent();
  void showLayer();
  void fit(QGraphicsView* view);
  void syncFrom(QGraphicsView* source);

  QHBoxLayout* paneLayout_ = nullptr;
  QButtonGroup* layerButtons_ = nullptr;
  QList<ComparePane> panes_;
  QList<QGraphicsView*> views_;
  QList<QGraphicsPixmapItem*> pixmaps_;
  QList<QLabel*> captions_;
  CompareLayer layer_ = CompareLayer::output;
  bool syncing_ = false;
  bool fitted_ = true;  // the images are fitted to their panes (no zoom chosen): a resize refits
};

}  // namespace backdrop::ui
