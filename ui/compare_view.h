#pragma once
// Two to four variants side by side with synced zoom (mouse wheel) and pan (drag): what one view
// shows, all show. A loupe is the same view with one image.

#include <QWidget>

class QGraphicsView;

namespace backdrop::ui {

class CompareView : public QWidget {
  Q_OBJECT

 public:
  explicit CompareView(QWidget* parent = nullptr);
  void setImages(const QList<QPair<QString, QImage>>& captionedImages);
  int viewCount() const { return views_.size(); }
  void zoomBy(double factor);  // all views together
  void fitAll();

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void syncFrom(QGraphicsView* source);

  QList<QGraphicsView*> views_;
  bool syncing_ = false;
};

}  // namespace backdrop::ui
