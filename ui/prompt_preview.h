#pragma once
// The prompt editor's preview: one prompt (as edited, saved or not) rendered on a chosen product
// of the category, on a worker thread, cancellable. It renders what the generation queue would
// make for that prompt's first placement and seed: with diffusion weights in Settings a diffusion
// background (the models opened on the first preview, on the worker; the status counts the
// denoising steps; Cancel stops between steps); without them a studio backdrop in the prompt's
// colour, and a banner says so.

#include <QImage>
#include <QWidget>
#include <atomic>
#include <memory>

#include "core/common/cancellation.h"
#include "core/store/prompt_repository.h"
#include "ui/scoped_future_watcher.h"

class QComboBox;
class QLabel;
class QPushButton;
class QTimer;

namespace backdrop::ui {

class OpenedGenerator;
class ProjectSession;

class PromptPreviewPanel : public QWidget {
  Q_OBJECT

 public:
  explicit PromptPreviewPanel(ProjectSession& session, QWidget* parent = nullptr);
  ~PromptPreviewPanel() override;

  // Lists the category's products to preview on.
  void setCategory(const QString& category);
  // Starts rendering `entry` on the chosen product; false when one is rendering or no product is chosen.
  bool preview(const PromptEntry& entry);
  void cancel();
  // From the start until its result is handled (the worker may already be done by then).
  bool isRendering() const { return rendering_; }
  QImage image() const { return image_; }  // the last finished preview, full size
  QString productId() const;
  void refreshBanner();

 signals:
  void previewRequested();         // the Preview button: the editor supplies the selected prompt
  void finished(const QString& status);  // "rendered …", "cancelled" or "failed: …"

 private:
  struct Result {
    QImage image;
    QString error;
  };
  struct Steps {  // written by the worker, read by the status timer
    std::atomic<int64_t> step{0};
    std::atomic<int64_t> total{0};
  };
  void onFinished();
  void showSteps();

  ProjectSession& session_;
  QLabel* banner_ = nullptr;
  QComboBox* product_ = nullptr;
  QPushButton* previewButton_ = nullptr;
  QPushButton* cancelButton_ = nullptr;
  QLabel* picture_ = nullptr;
  QLabel* status_ = nullptr;
  ScopedFutureWatcher<Result> work_;
  QTimer* stepTimer_ = nullptr;
  std::shared_ptr<Steps> steps_ = std::make_shared<Steps>();
  std::shared_ptr<OpenedGenerator> generator_;  // kept between previews, used on the worker
  CancellationToken cancel_;
  bool rendering_ = false;
  QImage image_;
  QString category_;  // whose products are offered and whose picture is shown
  QString caption_;  // product and prompt of the preview being rendered
};

}  // namespace backdrop::ui
