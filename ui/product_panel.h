#pragma once
// The selected product: its photo with the mask over it (opacity slider; a brush and a box tool
// to fix the mask, each edit undoable on the Studio's undo stack), the edge map with live Canny
// threshold sliders (core's edge_map, the function the generator uses), and the product placed
// on every placement. Images are computed on worker threads.

#include <optional>

#include <QRect>
#include <QWidget>
#include <opencv2/core.hpp>

#include "ui/scoped_future_watcher.h"

class QCheckBox;
class QGridLayout;
class QLabel;
class QPushButton;
class QSlider;
class QStackedWidget;
class QTabWidget;
class QToolButton;
class QUndoStack;

namespace backdrop::ui {

class MaskEditor;
class ProjectSession;

class ProductPanel : public QWidget {
  Q_OBJECT

 public:
  ProductPanel(ProjectSession& session, QUndoStack& undoStack, QWidget* parent = nullptr);

  void showProduct(const QString& productId);
  void clear();
  void showTab(const QString& name);  // "mask", "edges" or "layouts"
  QString productId() const { return productId_; }
  // Writes the hand-fixed mask as the product's mask; its variants get new keys on the next run.
  // The mask's verdict becomes hand-drawn, so the product is no longer held back.
  bool saveMask();
  // Accepts the prepared mask as it is (it needed attention): the product may be generated and
  // pushed. False when the product has not been prepared.
  bool acceptMask();

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
  struct BoxResult {
    quint64 document = 0;  // the mask editor's document the box was drawn on
    QImage mask;
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
  QWidget* buildMaskTools();
  QWidget* buildEdgeTab();
  QWidget* buildLayoutTab();
  void onLoaded();
  // "<id> · <category> · WxH · mask confidence c", or what needs attention.
  void showDetails(double segmentedConfidence, const QString& problem);
  void findProductInBox(const QRect& box);
  void onBoxMaskReady();
  void recomputeEdges();
  void onEdgesReady();
  void saveThresholds();
  void renderLayouts();
  void showVerdict();  // the stored mask verdict: status, confidence, reasons

  ProjectSession& session_;
  QUndoStack& undoStack_;
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
  QToolButton* brushTool_ = nullptr;
  QToolButton* boxTool_ = nullptr;
  QLabel* maskStatus_ = nullptr;
  QLabel* verdict_ = nullptr;
  QPushButton* accept_ = nullptr;
  QLabel* edges_ = nullptr;
  QSlider* cannyLow_ = nullptr;
  QSlider* cannyHigh_ = nullptr;
  QLabel* thresholdText_ = nullptr;
  QGridLayout* layouts_ = nullptr;
  ScopedFutureWatcher<Loaded> loading_;
  ScopedFutureWatcher<EdgeResult> edgeWork_;
  ScopedFutureWatcher<BoxResult> boxWork_;
  bool edgesPending_ = false;  // sliders moved while an edge map was being computed
  std::optional<QRect> pendingBox_;  // a box drawn while another one's mask was being found
};

}  // namespace backdrop::ui
