#pragma once
// The prompt editor's preview: one prompt (as edited, saved or not) rendered on a chosen product
// of the category, on a worker thread, cancellable. It renders what the generation queue would
// make for that prompt's first placement and seed; without diffusion weights that is a studio
// backdrop in the prompt's colour, and a banner says so.

#include <QFutureWatcher>
#include <QImage>
#include <QWidget>

#include "core/common/cancellation.h"
#include "core/store/prompt_repository.h"

class QComboBox;
class QLabel;
class QPushButton;

namespace backdrop::ui {

class ProjectSession;

class PromptPreviewPanel : public QWidget {
  Q_OBJECT

 public:
  explicit PromptPreviewPanel(ProjectSession& session, QWidget* parent = nullptr);

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
  void onFinished();

  ProjectSession& session_;
  QLabel* banner_ = nullptr;
  QComboBox* product_ = nullptr;
  QPushButton* previewButton_ = nullptr;
  QPushButton* cancelButton_ = nullptr;
  QLabel* picture_ = nullptr;
  QLabel* status_ = nullptr;
  QFutureWatcher<Result> work_;
  CancellationToken cancel_;
  bool rendering_ = false;
  QImage image_;
  QString caption_;  // product and prompt of the preview being rendered
};

}  // namespace backdrop::ui
