#include "ui/mask_editor.h"

#include <QMouseEvent>
#include <QPainter>
#include <cstring>

namespace backdrop::ui {
namespace {

const QRgb kMaskColour = qRgba(220, 30, 30, 255);

}  // namespace

MaskEditor::MaskEditor(QWidget* parent) : QWidget(parent) {
  setObjectName("maskEditor");
  setMinimumSize(240, 240);
  setCursor(Qt::CrossCursor);
}

void MaskEditor::setImages(const QImage& photo, const QImage& mask) {
  photo_ = photo;
  mask_ = mask.isNull() ? QImage() : mask.convertToFormat(QImage::Format_Grayscale8);
  ++document_;
  modified_ = false;
  stroking_ = boxing_ = false;
  box_ = {};
  overlay_ = mask_.isNull() ? QImage() : QImage(mask_.size(), QImage::Format_ARGB32_Premultiplied);
  updateOverlay(mask_.rect());
  update();
}

void MaskEditor::setOverlayOpacity(double opacity) {
  opacity_ = std::clamp(opacity, 0.0, 1.0);
  update();
}

void MaskEditor::setTool(Tool tool) {
  tool_ = tool;
  stroking_ = boxing_ = false;
}

void MaskEditor::updateOverlay(const QRect& region) {
  const QRect rows = region & mask_.rect();
  for (int y = rows.top(); y <= rows.bottom(); ++y) {
    const uchar* in = mask_.constScanLine(y);
    auto* out = reinterpret_cast<QRgb*>(overlay_.scanLine(y));
    for (int x = rows.left(); x <= rows.right(); ++x) out[x] = in[x] >= 128 ? kMaskColour : qRgba(0, 0, 0, 0);
  }
}

void MaskEditor::maskChanged(const QRect& region) {
  modified_ = true;
  updateOverlay(region);
  update();
}

void MaskEditor::replaceMask(const QImage& mask, const QString& text) {
  if (mask_.isNull() || mask.size() != mask_.size()) return;
  MaskEdit edit{document_, {0, 0}, mask_, mask.convertToFormat(QImage::Format_Grayscale8), text};
  mask_ = edit.after;  // shared with the edit: painting on the mask later detaches it
  box_ = {};
  maskChanged(mask_.rect());
  emit editFinished(edit);
}

void MaskEditor::putMaskPixels(const QPoint& topLeft, const QImage& pixels) {
  const QRect region = QRect(topLeft, pixels.size()) & mask_.rect();
  for (int y = region.top(); y <= region.bottom(); ++y) {
    std::memcpy(mask_.scanLine(y) + region.left(),
                pixels.constScanLine(y - topLeft.y()) + (region.left() - topLeft.x()), region.width());
  }
  maskChanged(region);
}

void MaskEditor::clearBox() {
  box_ = {};
  update();
}

QRectF MaskEditor::imageRect() const {
  if (photo_.isNull()) return {};
  const QSizeF size = QSizeF(photo_.size()).scaled(QSizeF(this->size()), Qt::KeepAspectRatio);
  return QRectF(QPointF((width() - size.width()) / 2, (height() - size.height()) / 2), size);
}

QPointF MaskEditor::widgetToPhoto(const QPointF& point) const {
  const QRectF target = imageRect();
  return target.isEmpty() ? QPointF() : (point - target.topLeft()) * (photo_.width() / target.width());
}

QPointF MaskEditor::photoToWidget(const QPointF& point) const {
  const QRectF target = imageRect();
  return target.isEmpty() ? QPointF() : target.topLeft() + point * (target.width() / photo_.width());
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
    painter.setOpacity(1.0);
  }
  if (const QRectF box = box_.normalized(); !box.isEmpty()) {
    painter.setPen(QPen(Qt::yellow, 2, Qt::DashLine));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(QRectF(photoToWidget(box.topLeft()), photoToWidget(box.bottomRight())));
  }
}

void MaskEditor::mousePressEvent(QMouseEvent* event) {
  if (mask_.isNull()) return;
  const QPointF point = widgetToPhoto(event->position());
  if (tool_ == Tool::box) {
    boxing_ = true;
    box_ = QRectF(point, point);
  } else {
    beginStroke(point, erasing_ || event->button() == Qt::RightButton);
  }
}

void MaskEditor::mouseMoveEvent(QMouseEvent* event) {
  const QPointF point = widgetToPhoto(event->position());
  if (boxing_) {
    box_.setBottomRight(point);
    update();
  } else if (stroking_) {
    strokeTo(point);
  }
}

void MaskEditor::mouseReleaseEvent(QMouseEvent* event) {
  if (boxing_) {
    box_.setBottomRight(widgetToPhoto(event->position()));
    endBox();
  } else if (stroking_) {
    endStroke();
  }
}

void MaskEditor::beginStroke(const QPointF& photoPoint, bool erase) {
  stroking_ = true;
  strokeErases_ = erase;
  strokeBefore_ = mask_;  // shared: the first paint detaches mask_, this keeps the old pixels
  strokeRegion_ = {};
  lastPoint_ = photoPoint;
  strokeTo(photoPoint);
}

// A thick line with round ends from the last mouse position: mouse events come far apart on a
// fast stroke, and stamping only where they land would leave dots.
void MaskEditor::strokeTo(const QPointF& photoPoint) {
  QPainter painter(&mask_);
  const QColor colour = strokeErases_ ? Qt::black : Qt::white;
  painter.setPen(Qt::NoPen);
  painter.setBrush(colour);
  painter.drawEllipse(photoPoint, brushRadius_, brushRadius_);
  if (photoPoint != lastPoint_) {
    painter.setPen(QPen(colour, 2.0 * brushRadius_, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter.drawLine(lastPoint_, photoPoint);
  }
  painter.end();
  const int reach = brushRadius_ + 2;
  const QRect painted =
      QRectF(lastPoint_, photoPoint).normalized().toAlignedRect().adjusted(-reach, -reach, reach, reach) & mask_.rect();
  strokeRegion_ |= painted;
  lastPoint_ = photoPoint;
  maskChanged(painted);
}

void MaskEditor::endStroke() {
  stroking_ = false;
  if (strokeRegion_.isEmpty()) return;
  const QString text = strokeErases_ ? tr("Erase stroke") : tr("Brush stroke");
  emit editFinished(
      {document_, strokeRegion_.topLeft(), strokeBefore_.copy(strokeRegion_), mask_.copy(strokeRegion_), text});
  strokeBefore_ = QImage();
}

void MaskEditor::endBox() {
  boxing_ = false;
  const QRect box = box_.normalized().toAlignedRect() & mask_.rect();
  box_ = box;
  update();
  if (box.width() > 2 && box.height() > 2) {
    emit boxDrawn(box);
  } else {
    clearBox();
  }
}

}  // namespace backdrop::ui
