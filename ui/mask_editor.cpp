#include "ui/mask_editor.h"

#include <QMouseEvent>
#include <QPainter>

namespace backdrop::ui {

MaskEditor::MaskEditor(QWidget* parent) : QWidget(parent) {
  setObjectName("maskEditor");
  setMinimumSize(240, 240);
  setCursor(Qt::CrossCursor);
}

void MaskEditor::setImages(const QImage& photo, const QImage& mask) {
  photo_ = photo;
  mask_ = mask.isNull() ? QImage() : mask.convertToFormat(QImage::Format_Grayscale8);
  modified_ = false;
  rebuildOverlay();
  update();
}

void MaskEditor::setOverlayOpacity(double opacity) {
  opacity_ = std::clamp(opacity, 0.0, 1.0);
  update();
}

void MaskEditor::rebuildOverlay() {
  if (mask_.isNull()) {
    overlay_ = QImage();
    return;
  }
  overlay_ = QImage(mask_.size(), QImage::Format_ARGB32_Premultiplied);
  for (int y = 0; y < mask_.height(); ++y) {
    const uchar* in = mask_.constScanLine(y);
    auto* out = reinterpret_cast<QRgb*>(overlay_.scanLine(y));
    for (int x = 0; x < mask_.width(); ++x) out[x] = in[x] >= 128 ? qRgba(220, 30, 30, 255) : qRgba(0, 0, 0, 0);
  }
}

QRectF MaskEditor::imageRect() const {
  if (photo_.isNull()) return {};
  const QSizeF size = QSizeF(photo_.size()).scaled(QSizeF(this->size()), Qt::KeepAspectRatio);
  return QRectF(QPointF((width() - size.width()) / 2, (height() - size.height()) / 2), size);
}

void MaskEditor::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), palette().window());
  if (photo_.isNull()) return;
  painter.setRenderHint(QPainter::SmoothPixmapTransform);
  const QRectF target = imageRect();
  painter.drawImage(target, photo_);
  if (!overlay_.isNull()) {
    painter.setOpacity(opacity_);
    painter.drawImage(target, overlay_);
  }
}

void MaskEditor::mousePressEvent(QMouseEvent* event) {
  paintAt(event->position(), erasing_ || event->button() == Qt::RightButton);
}

void MaskEditor::mouseMoveEvent(QMouseEvent* event) {
  if (event->buttons() & (Qt::LeftButton | Qt::RightButton)) {
    paintAt(event->position(), erasing_ || (event->buttons() & Qt::RightButton));
  }
}

void MaskEditor::paintAt(const QPointF& widgetPoint, bool erase) {
  const QRectF target = imageRect();
  if (mask_.isNull() || !target.contains(widgetPoint)) return;
  const double scale = mask_.width() / target.width();
  const QPointF centre = (widgetPoint - target.topLeft()) * scale;
  QPainter painter(&mask_);
  painter.setPen(Qt::NoPen);
  painter.setBrush(erase ? Qt::black : Qt::white);
  painter.drawEllipse(centre, brushRadius_, brushRadius_);
  painter.end();
  modified_ = true;
  rebuildOverlay();
  update();
  emit maskEdited();
}

}  // namespace backdrop::ui
