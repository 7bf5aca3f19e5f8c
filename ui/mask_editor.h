#pragma once
// The product photo with its mask laid over it in red (opacity adjustable), and a round brush that
// adds to the mask (left button) or erases from it (right button, or Erase mode) to fix it by hand.

#include <QImage>
#include <QWidget>

namespace backdrop::ui {

class MaskEditor : public QWidget {
  Q_OBJECT

 public:
  explicit MaskEditor(QWidget* parent = nullptr);

  void setImages(const QImage& photo, const QImage& mask);  // mask: Grayscale8, white = product
  const QImage& mask() const { return mask_; }
  bool isModified() const { return modified_; }
  void setModified(bool modified) { modified_ = modified; }

  void setOverlayOpacity(double opacity);  // 0..1
  void setBrushRadius(int pixels) { brushRadius_ = pixels; }  // in photo pixels
  void setErasing(bool erasing) { erasing_ = erasing; }

 signals:
  void maskEdited();

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;

 private:
  QRectF imageRect() const;
  void paintAt(const QPointF& widgetPoint, bool erase);
  void rebuildOverlay();

  QImage photo_;
  QImage mask_;
  QImage overlay_;  // red where the mask is set, transparent elsewhere
  double opacity_ = 0.5;
  int brushRadius_ = 12;
  bool erasing_ = false;
  bool modified_ = false;
};

}  // namespace backdrop::ui
