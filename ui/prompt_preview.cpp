#include "ui/prompt_preview.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent>

#include "core/generation/jobs_plan.h"
#include "core/generation/variant_inputs.h"
#include "core/rendering/variant_rendering.h"
#include "core/store/project.h"
#include "ui/banner.h"
#include "ui/generator_choice.h"
#include "ui/image_conversion.h"
#include "ui/project_session.h"
#include "ui/studio_settings.h"

namespace backdrop::ui {
namespace {

constexpr int kPreviewSize = 320;

// The variant Generate would make of the prompt on the product (seed 0) on the project's first
// placement, with the chosen generator's denoising parameters.
VariantInputs previewInputs(Project& project, const StoredProduct& product, const Placement& placement,
                            const PromptEntry& entry, const GeneratorChoice& choice) {
  GenerationSettings settings;
  if (choice.diffusion) {
    settings.steps = choice.settings.steps;
    settings.scheduler = choice.settings.scheduler;
    settings.guidance_scale = choice.settings.guidance_scale;
  }
  auto inputs = product_variant_inputs(project, product, settings);
  inputs.prompt = entry.prompt;
  inputs.negative_prompt = entry.negative_prompt;
  inputs.colour = entry.colour;
  inputs.placement = placement;
  return inputs;
}

}  // namespace

PromptPreviewPanel::PromptPreviewPanel(ProjectSession& session, QWidget* parent) : QWidget(parent), session_(session) {
  setObjectName("promptPreviewPanel");
  banner_ = makeBanner("previewNoWeightsBanner");
  product_ = new QComboBox;
  product_->setObjectName("previewProduct");
  previewButton_ = new QPushButton(tr("Preview Selected Prompt"));
  previewButton_->setObjectName("previewPrompt");
  cancelButton_ = new QPushButton(tr("Cancel"));
  cancelButton_->setObjectName("cancelPreview");
  cancelButton_->setEnabled(false);
  picture_ = new QLabel(tr("Choose a product and a prompt,\nthen Preview."));
  picture_->setObjectName("promptPreviewImage");
  picture_->setAlignment(Qt::AlignCenter);
  picture_->setMinimumSize(kPreviewSize, kPreviewSize);
  picture_->setStyleSheet("border: 1px solid #ccc; color: #777;");
  status_ = new QLabel;
  status_->setObjectName("promptPreviewStatus");
  status_->setWordWrap(true);
  stepTimer_ = new QTimer(this);
  stepTimer_->setInterval(200);
  generator_ = std::make_shared<OpenedGenerator>();

  connect(previewButton_, &QPushButton::clicked, this, &PromptPreviewPanel::previewRequested);
  connect(cancelButton_, &QPushButton::clicked, this, &PromptPreviewPanel::cancel);
  connect(&work_, &QFutureWatcher<Result>::finished, this, &PromptPreviewPanel::onFinished);
  connect(stepTimer_, &QTimer::timeout, this, &PromptPreviewPanel::showSteps);

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(previewButton_);
  buttons->addWidget(cancelButton_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(tr("<b>Preview</b> on product")));
  layout->addWidget(product_);
  layout->addLayout(buttons);
  layout->addWidget(banner_);
  layout->addWidget(picture_, 1);
  layout->addWidget(status_);
  refreshBanner();
}

PromptPreviewPanel::~PromptPreviewPanel() {
  cancel_.cancel();  // a preview render in flight stops at its next step; work_ waits for it
}

void PromptPreviewPanel::refreshBanner() {
  const bool weights = StudioSettings::load().hasDiffusionWeights();
  banner_->setText(weights ? QString()
                           : tr("<b>No diffusion weights configured.</b> The preview is a studio backdrop in the "
                                "prompt's colour; set the checkpoint and ControlNet in Settings for diffusion."));
  banner_->setVisible(!weights);
}

void PromptPreviewPanel::setCategory(const QString& category) {
  if (category != category_) {  // another category's picture would pass for this one's
    category_ = category;
    cancel();
    image_ = QImage();
    picture_->clear();
    status_->clear();
  }
  const QString current = product_->currentText();
  product_->clear();
  if (!session_.isOpen()) return;
  for (const auto& product : session_.project().products().list()) {
    if (QString::fromStdString(product.category) == category) product_->addItem(QString::fromStdString(product.external_id));
  }
  if (const int index = product_->findText(current); index >= 0) product_->setCurrentIndex(index);
}

QString PromptPreviewPanel::productId() const { return product_->currentText(); }

bool PromptPreviewPanel::preview(const PromptEntry& entry) {
  if (isRendering() || !session_.isOpen() || productId().isEmpty()) return false;
  const auto product = session_.project().products().find(productId().toStdString());
  if (!product) return false;
  const auto placements = session_.project().placements().list();
  if (placements.empty()) {
    status_->setText(tr("This project has no placements to preview on: add one with `backdrop project placements add`."));
    return false;
  }
  const GeneratorChoice choice = generatorChoice(StudioSettings::load());
  const VariantInputs inputs = previewInputs(session_.project(), *product, placements.front(), entry, choice);
  const std::filesystem::path cache = session_.cacheDir().toStdString();
  cancel_ = CancellationToken();
  const CancellationToken cancel = cancel_;
  rendering_ = true;
  caption_ = tr("%1 · %2").arg(productId(), QString::fromStdString(entry.prompt));
  status_->setText(choice.diffusion ? tr("Painting on %1 with diffusion…").arg(productId())
                                    : tr("Rendering on %1…").arg(productId()));
  previewButton_->setEnabled(false);
  cancelButton_->setEnabled(true);
  steps_ = std::make_shared<Steps>();  // a fresh pair: a late step of the last preview cannot show
  if (choice.diffusion) stepTimer_->start();
  work_.setFuture(QtConcurrent::run([inputs, cache, choice, cancel, steps = steps_, opened = generator_]() -> Result {
    try {
      // The studio backdrop or the diffusion models, painted as Generate paints them.
      const auto generator = opened->get(choice);
      const auto variant = render_variant(
          *generator, inputs, cache,
          [&steps](int64_t step, int64_t total) {
            steps->total.store(total);
            steps->step.store(step);
          },
          cancel);
      return {toQImage(variant.image), {}};
    } catch (const std::exception& error) {
      return {{}, QString::fromStdString(error.what())};
    }
  }));
  return true;
}

void PromptPreviewPanel::cancel() {
  if (!isRendering()) return;
  cancel_.cancel();
  cancelButton_->setEnabled(false);
  status_->setText(tr("Cancelling…"));
}

void PromptPreviewPanel::showSteps() {
  const int64_t total = steps_->total.load();
  if (total == 0 || cancel_.cancelled()) return;
  status_->setText(tr("Painting on %1… step %2 of %3").arg(productId()).arg(steps_->step.load()).arg(total));
}

void PromptPreviewPanel::onFinished() {
  stepTimer_->stop();
  rendering_ = false;
  previewButton_->setEnabled(true);
  cancelButton_->setEnabled(false);
  const Result result = work_.result();
  QString status;
  // A cancelled preview is dropped even when the worker finished before it saw the request.
  if (cancel_.cancelled()) {
    status = tr("cancelled");
  } else if (!result.error.isEmpty() || result.image.isNull()) {
    status = tr("failed: %1").arg(result.error.isEmpty() ? tr("no image") : result.error);
  } else {
    image_ = result.image;
    picture_->setPixmap(QPixmap::fromImage(image_.scaled(kPreviewSize, kPreviewSize, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    status = tr("rendered %1×%2: %3").arg(image_.width()).arg(image_.height()).arg(caption_);
  }
  status_->setText(status);
  emit finished(status);
}

}  // namespace backdrop::ui
