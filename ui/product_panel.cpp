#include "ui/product_panel.h"

#include <utility>

#include <QCheckBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QStackedWidget>
#include <QTabWidget>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QtConcurrent>

#include "core/imaging/edge_map.h"
#include "core/imaging/image_io.h"
#include "core/imaging/mask_assist.h"
#include "core/imaging/placement.h"
#include "core/imaging/product_segmentation.h"
#include "core/imaging/studio_backdrop.h"
#include "core/preparation/project_segmentation.h"
#include "core/store/project.h"
#include "ui/image_conversion.h"
#include "ui/mask_edit_command.h"
#include "ui/mask_editor.h"
#include "ui/project_session.h"
#include "ui/review_command.h"

namespace backdrop::ui {
namespace {

constexpr int kLayoutPreview = 150;

QSlider* makeSlider(const QString& name, int minimum, int maximum, int value) {
  auto* slider = new QSlider(Qt::Horizontal);
  slider->setObjectName(name);
  slider->setRange(minimum, maximum);
  slider->setValue(value);
  return slider;
}

// The placements a product is shown on: the project's, or the standard ad sizes.
std::vector<imaging::Placement> placementsOf(Project& project) {
  std::vector<imaging::Placement> placements;
  for (const auto& stored : project.placements().list()) placements.push_back(layout_placement(stored));
  return placements.empty() ? imaging::default_placements() : placements;
}

}  // namespace

ProductPanel::ProductPanel(ProjectSession& session, QUndoStack& undoStack, QWidget* parent)
    : QWidget(parent), session_(session), undoStack_(undoStack) {
  setObjectName("productPanel");
  pages_ = new QStackedWidget(this);
  pages_->addWidget(buildEmptyState());
  pages_->addWidget(buildDetails());
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(pages_);
  connect(&loading_, &QFutureWatcher<Loaded>::finished, this, &ProductPanel::onLoaded);
  connect(&edgeWork_, &QFutureWatcher<EdgeResult>::finished, this, &ProductPanel::onEdgesReady);
  connect(&boxWork_, &QFutureWatcher<BoxResult>::finished, this, &ProductPanel::onBoxMaskReady);
}

QWidget* ProductPanel::buildEmptyState() {
  auto* label = new QLabel(tr("Select a product to see its mask, edge map and layouts."));
  label->setObjectName("productEmptyState");
  label->setAlignment(Qt::AlignCenter);
  label->setWordWrap(true);
  return label;
}

QWidget* ProductPanel::buildDetails() {
  auto* page = new QWidget;
  title_ = new QLabel;
  title_->setObjectName("productTitle");
  title_->setWordWrap(true);
  details_ = new QLabel;
  details_->setObjectName("productDetails");
  tabs_ = new QTabWidget;
  tabs_->setObjectName("productTabs");
  tabs_->addTab(buildMaskTab(), tr("Mask"));
  tabs_->addTab(buildEdgeTab(), tr("Edges"));
  tabs_->addTab(buildLayoutTab(), tr("Layouts"));
  auto* layout = new QVBoxLayout(page);
  layout->addWidget(title_);
  layout->addWidget(details_);
  layout->addWidget(tabs_, 1);
  return page;
}

QWidget* ProductPanel::buildMaskTab() {
  auto* tab = new QWidget;
  maskEditor_ = new MaskEditor;
  opacity_ = makeSlider("maskOpacity", 0, 100, 50);
  brush_ = makeSlider("brushSize", 2, 80, 12);
  erase_ = new QCheckBox(tr("Erase"));
  erase_->setObjectName("eraseMode");
  auto* save = new QPushButton(tr("Save Mask"));
  save->setObjectName("saveMaskButton");
  connect(opacity_, &QSlider::valueChanged, this, [this](int value) { maskEditor_->setOverlayOpacity(value / 100.0); });
  connect(brush_, &QSlider::valueChanged, maskEditor_, &MaskEditor::setBrushRadius);
  connect(erase_, &QCheckBox::toggled, maskEditor_, &MaskEditor::setErasing);
  connect(save, &QPushButton::clicked, this, &ProductPanel::saveMask);
  connect(maskEditor_, &MaskEditor::editFinished, this,
          [this](const MaskEdit& edit) { undoStack_.push(new MaskEditCommand(*maskEditor_, edit)); });
  connect(maskEditor_, &MaskEditor::boxDrawn, this, &ProductPanel::findProductInBox);
  maskStatus_ = new QLabel;
  maskStatus_->setObjectName("maskAssistStatus");
  verdict_ = new QLabel;
  verdict_->setObjectName("maskVerdict");
  verdict_->setWordWrap(true);
  accept_ = new QPushButton(tr("Accept Mask"));
  accept_->setObjectName("acceptMaskButton");
  accept_->setToolTip(tr("The mask is right as it is: generate and push this product"));
  connect(accept_, &QPushButton::clicked, this, &ProductPanel::acceptMask);
  auto* controls = new QFormLayout;
  controls->addRow(verdict_);
  controls->addRow(tr("Tool"), buildMaskTools());
  controls->addRow(tr("Mask opacity"), opacity_);
  controls->addRow(tr("Brush size"), brush_);
  controls->addRow(erase_, save);
  controls->addRow(accept_);
  auto* layout = new QVBoxLayout(tab);
  layout->addWidget(maskEditor_, 1);
  layout->addWidget(maskStatus_);
  layout->addLayout(controls);
  return tab;
}

QWidget* ProductPanel::buildMaskTools() {
  auto makeTool = [](const QString& name, const QString& text, const QString& tip) {
    auto* button = new QToolButton;
    button->setObjectName(name);
    button->setText(text);
    button->setToolTip(tip);
    button->setCheckable(true);
    button->setAutoExclusive(true);
    return button;
  };
  brushTool_ = makeTool("brushTool", tr("Brush"), tr("Paint the mask (right button or Erase: erase it)"));
  boxTool_ = makeTool("boxTool", tr("Box"), tr("Drag a box around the product to find its mask"));
  brushTool_->setChecked(true);
  connect(brushTool_, &QToolButton::toggled, this, [this](bool on) {
    if (on) maskEditor_->setTool(MaskEditor::Tool::brush);
  });
  connect(boxTool_, &QToolButton::toggled, this, [this](bool on) {
    if (on) maskEditor_->setTool(MaskEditor::Tool::box);
  });
  auto* tools = new QWidget;
  auto* layout = new QHBoxLayout(tools);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(brushTool_);
  layout->addWidget(boxTool_);
  layout->addStretch(1);
  return tools;
}

QWidget* ProductPanel::buildEdgeTab() {
  auto* tab = new QWidget;
  edges_ = new QLabel;
  edges_->setObjectName("edgeMap");
  edges_->setAlignment(Qt::AlignCenter);
  edges_->setMinimumSize(240, 240);
  edges_->setStyleSheet("background: black;");
  cannyLow_ = makeSlider("cannyLow", 0, 255, 50);
  cannyHigh_ = makeSlider("cannyHigh", 0, 255, 150);
  thresholdText_ = new QLabel;
  thresholdText_->setObjectName("cannyThresholds");
  for (QSlider* slider : {cannyLow_, cannyHigh_}) {
    connect(slider, &QSlider::valueChanged, this, &ProductPanel::recomputeEdges);
    connect(slider, &QSlider::valueChanged, this, &ProductPanel::saveThresholds);
  }
  auto* controls = new QFormLayout;
  controls->addRow(tr("Canny low"), cannyLow_);
  controls->addRow(tr("Canny high"), cannyHigh_);
  controls->addRow(thresholdText_);
  auto* layout = new QVBoxLayout(tab);
  layout->addWidget(edges_, 1);
  layout->addLayout(controls);
  return tab;
}

QWidget* ProductPanel::buildLayoutTab() {
  auto* tab = new QWidget;
  tab->setObjectName("layoutTab");
  layouts_ = new QGridLayout(tab);
  return tab;
}

void ProductPanel::showTab(const QString& name) {
  const int index = QStringList{"mask", "edges", "layouts"}.indexOf(name);
  if (index >= 0) tabs_->setCurrentIndex(index);
}

void ProductPanel::clear() {
  productId_.clear();
  pages_->setCurrentIndex(0);
}

void ProductPanel::showProduct(const QString& productId) {
  if (!session_.isOpen() || productId.isEmpty()) return clear();
  const auto product = session_.project().products().find(productId.toStdString());
  if (!product) return clear();
  productId_ = productId;
  category_ = QString::fromStdString(product->category);
  title_->setText(QStringLiteral("<h3>%1</h3>").arg(QString::fromStdString(product->title).toHtmlEscaped()));
  details_->setText(tr("%1 · %2 · loading…").arg(productId, category_));
  pages_->setCurrentIndex(1);

  const std::string image = product->image_path;
  const auto maskFile = imaging::product_mask_path(session_.cacheDir().toStdString(), productId.toStdString());
  // A product never prepared is previewed with the project's threshold (the learned model is not
  // opened for a preview); Generate prepares it with all of the project's settings before planning.
  double threshold = imaging::kDefaultConfidenceThreshold;
  try {
    threshold = load_segmenter_settings(session_.project()).confidence_threshold;
  } catch (const std::exception&) {
    // A malformed setting is named when Prepare or Generate reads it; the preview keeps the default.
  }
  loading_.setFuture(QtConcurrent::run([productId, image, maskFile, threshold] {
    Loaded loaded{productId, {}, {}, 0, {}};
    try {
      const auto photo = imaging::load_image(image);
      const auto segmentation = imaging::segment_with_saved_mask(photo, maskFile, nullptr, threshold);
      loaded.bgr = photo.bgr;
      loaded.mask = segmentation.mask;
      loaded.confidence = segmentation.confidence;
      if (segmentation.mask.empty()) loaded.error = QString::fromStdString(segmentation.note);
    } catch (const std::exception& error) {
      loaded.error = QString::fromStdString(error.what());
    }
    return loaded;
  }));
}

void ProductPanel::onLoaded() {
  const Loaded loaded = loading_.result();
  if (loaded.productId != productId_) return;  // the user moved on
  bgr_ = loaded.bgr;
  mask_ = loaded.mask.empty() && !bgr_.empty() ? cv::Mat(bgr_.size(), CV_8UC1, cv::Scalar(0)) : loaded.mask;
  showDetails(loaded.confidence, loaded.error);
  maskEditor_->setImages(toQImage(bgr_), toQImage(mask_));
  maskStatus_->clear();
  pendingBox_.reset();  // drawn on the photo shown before
  showVerdict();
  const auto saved = session_.project().edge_settings().find(productId_.toStdString());
  QSignalBlocker blockLow(cannyLow_), blockHigh(cannyHigh_);
  if (saved) {
    cannyLow_->setValue(static_cast<int>(saved->low));
    cannyHigh_->setValue(static_cast<int>(saved->high));
  } else if (!bgr_.empty()) {
    const auto [low, high] = imaging::edge_thresholds(bgr_, mask_, {});
    cannyLow_->setValue(static_cast<int>(low));
    cannyHigh_->setValue(static_cast<int>(high));
  }
  recomputeEdges();
  renderLayouts();
}

void ProductPanel::findProductInBox(const QRect& box) {
  if (bgr_.empty()) return;
  if (boxWork_.isRunning()) {
    pendingBox_ = box;  // found when this one finishes, whose mask is then out of date
    return;
  }
  maskStatus_->setText(tr("Finding the product in the box…"));
  const cv::Mat bgr = bgr_;
  const quint64 document = maskEditor_->document();
  boxWork_.setFuture(QtConcurrent::run([bgr, box, document] {
    BoxResult result{document, {}, {}};
    try {
      result.mask = toQImage(imaging::mask_from_box(bgr, cv::Rect(box.x(), box.y(), box.width(), box.height())));
    } catch (const std::exception& error) {
      result.error = QString::fromStdString(error.what());
    }
    return result;
  }));
}

void ProductPanel::onBoxMaskReady() {
  if (const auto box = std::exchange(pendingBox_, std::nullopt)) return findProductInBox(*box);
  const BoxResult result = boxWork_.result();
  if (result.document != maskEditor_->document()) return;  // another product, or the mask reloaded
  if (!result.error.isEmpty()) {
    maskEditor_->clearBox();
    maskStatus_->setText(tr("No mask from the box: %1").arg(result.error));
    return;
  }
  maskEditor_->replaceMask(result.mask, tr("Box to mask"));
  maskStatus_->setText(cv::countNonZero(toGreyMat(result.mask)) == 0
                           ? tr("No product found in the box: draw it closer around the product.")
                           : tr("Mask from the box: fix it with the brush, or undo (Ctrl+Z)."));
  brushTool_->setChecked(true);  // the box is a start: the brush refines it
}

void ProductPanel::recomputeEdges() {
  if (bgr_.empty()) return;
  if (edgeWork_.isRunning()) {
    edgesPending_ = true;  // computed again with the newest values when this one finishes
    return;
  }
  imaging::EdgeMapOptions options;
  options.low_threshold = std::min(cannyLow_->value(), cannyHigh_->value());
  options.high_threshold = std::max(cannyLow_->value(), cannyHigh_->value());
  thresholdText_->setText(tr("thresholds %1 / %2").arg(*options.low_threshold).arg(*options.high_threshold));
  const cv::Mat bgr = bgr_, mask = maskEditor_->mask().isNull() ? mask_ : toGreyMat(maskEditor_->mask());
  const QString id = productId_;
  edgeWork_.setFuture(QtConcurrent::run([=] {
    return EdgeResult{id, toQImage(imaging::edge_map(bgr, mask, options)), *options.low_threshold, *options.high_threshold};
  }));
}

void ProductPanel::onEdgesReady() {
  const EdgeResult result = edgeWork_.result();
  if (result.productId == productId_) {
    edges_->setPixmap(QPixmap::fromImage(result.edges).scaled(edges_->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation));
    edges_->setProperty("low", result.low);
    edges_->setProperty("high", result.high);
  }
  if (edgesPending_) {
    edgesPending_ = false;
    recomputeEdges();
  }
}

void ProductPanel::showDetails(double segmentedConfidence, const QString& problem) {
  // A saved mask reads as hand-drawn (confidence 1); the verdict recorded when it was prepared is
  // what the merchandiser needs to see.
  const auto verdict = session_.project().masks().find(productId_.toStdString());
  const double confidence = verdict ? verdict->confidence : segmentedConfidence;
  details_->setText(problem.isEmpty() ? tr("%1 · %2 · %3×%4 · mask confidence %5")
                                            .arg(productId_, category_)
                                            .arg(bgr_.cols)
                                            .arg(bgr_.rows)
                                            .arg(confidence, 0, 'f', 2)
                                      : tr("%1 · %2 · needs attention: %3").arg(productId_, category_, problem));
}

void ProductPanel::saveThresholds() {
  if (productId_.isEmpty() || !session_.isOpen()) return;
  session_.project().edge_settings().save(productId_.toStdString(),
                        {static_cast<double>(std::min(cannyLow_->value(), cannyHigh_->value())),
                         static_cast<double>(std::max(cannyLow_->value(), cannyHigh_->value()))});
  emit productChanged(productId_);
}

bool ProductPanel::saveMask() {
  if (productId_.isEmpty() || maskEditor_->mask().isNull()) return false;
  mask_ = toGreyMat(maskEditor_->mask());
  try {
    imaging::write_image(imaging::product_mask_path(session_.cacheDir().toStdString(), productId_.toStdString()), mask_);
  } catch (const std::exception& error) {
    details_->setText(tr("Cannot save the mask: %1").arg(QString::fromStdString(error.what())));
    return false;
  }
  maskEditor_->setModified(false);
  try {
    session_.project().masks().record_hand_drawn(productId_.toStdString(), currentReviewer());
    showDetails(1.0, {});  // a person's mask: what the automatic cut-out lacked no longer matters
  } catch (const std::exception& error) {
    details_->setText(tr("Cannot record the mask: %1").arg(QString::fromStdString(error.what())));
  }
  showVerdict();
  recomputeEdges();
  renderLayouts();
  emit productChanged(productId_);
  return true;
}

bool ProductPanel::acceptMask() {
  if (productId_.isEmpty() || !session_.isOpen()) return false;
  try {
    session_.project().masks().accept(productId_.toStdString(), currentReviewer());
  } catch (const std::exception& error) {
    verdict_->setText(QString::fromStdString(error.what()));
    return false;
  }
  showVerdict();
  emit productChanged(productId_);
  return true;
}

void ProductPanel::showVerdict() {
  const auto mask = session_.project().masks().find(productId_.toStdString());
  accept_->setEnabled(mask && mask->held_back());
  if (!mask) {
    verdict_->setText(tr("Not prepared yet."));
    return;
  }
  QString text = tr("Mask: %1, %2, confidence %3")
                     .arg(QString::fromStdString(mask_status_name(mask->status)), QString::fromStdString(mask->method))
                     .arg(mask->confidence, 0, 'f', 2);
  if (!mask->decided_by.empty()) text += tr(" (by %1)").arg(QString::fromStdString(mask->decided_by));
  for (const auto& reason : mask->reasons) text += "\n• " + QString::fromStdString(reason);
  verdict_->setText(text);
  verdict_->setStyleSheet(mask->held_back() ? "color: #b06000;" : "");
}

void ProductPanel::renderLayouts() {
  while (QLayoutItem* item = layouts_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  if (bgr_.empty() || cv::countNonZero(mask_) == 0) return;
  const auto placements = placementsOf(session_.project());
  const cv::Mat bgr = bgr_, mask = mask_.clone();
  const std::string category = category_.toStdString();
  const QString id = productId_;
  // Each placement is small work; they are rendered together on one worker and shown at once.
  auto* watcher = new ScopedFutureWatcher<QList<QPair<QString, QImage>>>(this);
  connect(watcher, &QFutureWatcher<QList<QPair<QString, QImage>>>::finished, this, [this, watcher, id] {
    watcher->deleteLater();
    if (id != productId_) return;
    const auto previews = watcher->result();
    for (int i = 0; i < previews.size(); ++i) {
      auto* label = new QLabel;
      label->setObjectName("layoutPreview");
      label->setPixmap(QPixmap::fromImage(previews[i].second));
      label->setToolTip(previews[i].first);
      auto* caption = new QLabel(previews[i].first);
      caption->setAlignment(Qt::AlignCenter);
      layouts_->addWidget(label, (i / 3) * 2, i % 3, Qt::AlignCenter);
      layouts_->addWidget(caption, (i / 3) * 2 + 1, i % 3, Qt::AlignCenter);
    }
  });
  watcher->setFuture(QtConcurrent::run([=] {
    QList<QPair<QString, QImage>> previews;
    // The rules generation plans with (read here, off the GUI thread).
    imaging::LayoutRules rules;
    try {
      rules = imaging::installed_layout_rules();
    } catch (const std::exception&) {
      // Unreadable rules stop generation with their file's name; the preview shows the defaults.
    }
    const auto segmentation = imaging::segment_from_alpha(mask);
    for (const auto& placement : placements) {
      try {
        const auto placed = imaging::place_product(bgr, segmentation, placement, rules.for_category(category));
        const QImage image = toQImage(imaging::render_studio_backdrop(placed, {}));
        previews.append({QStringLiteral("%1 (%2×%3)").arg(QString::fromStdString(placement.id)).arg(placement.width).arg(placement.height),
                         image.scaled(kLayoutPreview, kLayoutPreview, Qt::KeepAspectRatio, Qt::SmoothTransformation)});
      } catch (const std::exception&) {
        // A placement the product cannot be put on is simply not shown.
      }
    }
    return previews;
  }));
}

}  // namespace backdrop::ui
