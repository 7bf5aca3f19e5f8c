#pragma once
// The product photo with its mask laid over it in red (opacity adjustable), and two tools to fix
// the mask by hand: a round brush that adds to it (left button) or erases from it (right button,
// or Erase mode), drawn as a continuous line however fast the mouse moves; and a box dragged
// around the product, which the owner turns into a mask (boxDrawn, then replaceMask). Every
// stroke and every replacement is reported as one MaskEdit, for the owner's undo stack.

#include <QImage>
#include <QWidget>

namespace backdrop::ui {

// One change of the mask: the pixels of the rectangle at `topLeft` it touched, before and after.
// `document` says which setImages call the mask belonged to, so that an edit is never applied to
// another product's mask.
struct MaskEdit {
  quint64 document = 0;
  QPoint topLeft;
  QImage before;
  QImage after;
  QString text;
};

class MaskEditor : public QWidget {
  Q_OBJECT

 public:
  enum class Tool { brush, box };

  explicit MaskEditor(QWidget* parent = nullptr);

  void setImages(const QImage& photo, const QImage& mask);  // mask: Grayscale8, white = product
  const QImage& mask() const { return mask_; }
  quint64 document() const { return document_; }
  bool isModified() const { return modified_; }
  void setModified(bool modified) { modified_ = modified; }

  void setOverlayOpacity(double opacity);                     // 0..1
  void setBrushRadius(int pixels) { brushRadius_ = pixels; }  // in photo pixels
  void setErasing(bool erasing) { erasing_ = erasing; }
  void setTool(Tool tool);

  // The whole mask replaced as one edit (reported by editFinished); the box disappears.
  void replaceMask(const QImage& mask, const QString& text);
  // Puts `pixels` (Grayscale8) into the mask at `topLeft`: an edit undone or redone.
  void putMaskPixels(const QPoint& topLeft, const QImage& pixels);
  void clearBox();

  QPointF widgetToPhoto(const QPointF& point) const;
  QPointF photoToWidget(const QPointF& point) const;

 signals:
  void editFinished(const backdrop::ui::MaskEdit& edit);
  void boxDrawn(const QRect& box);  // in photo pixels, clipped to the photo

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;

 private:
  QRectF imageRect() const;
  void beginStroke(const QPointF& photoPoint, bool erase);
  void strokeTo(const QPointF& photoPoint);
  void endStroke();
  void endBox();
  void maskChanged(const QRect& region);
  void updateOverlay(const QRect& region);

  QImage photo_;
  QImage mask_;
  QImage overlay_;  // red where the mask is set, transparent elsewhere
  quint64 document_ = 0;
  double opacity_ = 0.5;
  int brushRadius_ = 12;
  bool erasing_ = false;
  bool modified_ = false;
  Tool tool_ = Tool::brush;

  // The stroke in progress: the mask before it (shared until painted on), where it has painted.
  bool stroking_ = false;
  bool strokeErases_ = false;
  QPointF lastPoint_;
  QImage strokeBefore_;
  QRect strokeRegion_;

  bool boxing_ = false;
  QRectF box_;  // photo pixels; shown while dragged and until its mask arrives
};

}  // namespace backdrop::ui

Q_DECLARE_METATYPE(backdrop::ui::MaskEdit)
