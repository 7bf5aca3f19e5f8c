#pragma once
// The selected product: its photo with the mask over it (opacity slider, brush to fix the mask),
// the edge map with live Canny threshold sliders (core's edge_map, the function the generator
// uses), and the product placed on every placement. Images are computed on worker threads.

#include <QWidget>
#include <opencv2/core.hpp>

#include "ui/scoped_future_watcher.h"

class QCheckBox;
class QGridLayout;
class QLabel;
class QSlider;
class QStackedWidget;
class QTabWidget;

namespace backdrop::ui {

class MaskEditor;
class ProjectSession;

class ProductPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ProductPanel(ProjectSession& session, QWidget* parent = nullptr);

  void showProduct(const QString& productId);
  void clear();
  void showTab(const QString& name);  // "mask", "edges" or "layouts"
  QString productId() const { return productId_; }
  // Writes the hand-fixed mask as the product's mask; its variants get new keys on the next run.
  bool saveMask();

 signals:
  void productChanged(const QString& productId);  // mask or thresholds saved

 private:
  struct Loaded {
    QString productId;
    cv::Mat bgr;
    cv::Mat mask;
    double confidence = 0;
    QString error;
  };
  struct EdgeResult {
    QString productId;
    QImage edges;
    double low = 0, high = 0;
  };

  QWidget* buildEmptyState();
  QWidget* buildDetails();
  QWidget* buildMaskTab();
  QWidget* buildEdgeTab();
  QWidget* buildLayoutTab();
  void onLoaded();
  void recomputeEdges();
  void onEdgesReady();
  void saveThresholds();
  void renderLayouts();

  ProjectSession& session_;
  QString productId_;
  QString category_;
  cv::Mat bgr_;
  cv::Mat mask_;
  QStackedWidget* pages_ = nullptr;
  QLabel* title_ = nullptr;
  QLabel* details_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  MaskEditor* maskEditor_ = nullptr;
  QSlider* opacity_ = nullptr;
  QSlider* brush_ = nullptr;
  QCheckBox* erase_ = nullptr;
  QLabel* edges_ = nullptr;
  QSlider* cannyLow_ = nullptr;
  QSlider* cannyHigh_ = nullptr;
  QLabel* thresholdText_ = nullptr;
  QGridLayout* layouts_ = nullptr;
  ScopedFutureWatcher<Loaded> loading_;
  ScopedFutureWatcher<EdgeResult> edgeWork_;
  bool edgesPending_ = false;  // sliders moved while an edge map was being computed
};

}  // namespace backdrop::ui
