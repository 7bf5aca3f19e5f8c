#include "ui/variants_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHash>
#include <QIcon>
#include <QKeyEvent>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <filesystem>

#include "core/store/project.h"
#include "ui/compare_view.h"
#include "ui/count_text.h"
#include "ui/project_session.h"
#include "ui/review_command.h"
#include "ui/roles.h"
#include "ui/studio_settings.h"
#include "ui/thumbnail_grid.h"
#include "ui/variant_caption.h"

namespace backdrop::ui {
namespace {

constexpr int kThumbnail = 160;
constexpr int kCaptionHeight = 76;  // four caption lines under the thumbnail
constexpr int kMaxCompared = 4;

// The worst automatic artifact score of a variant, or -1 when it was not scored (sorted last).
double artifactScore(const StoredVariant& variant) {
  return variant.worst_artifact_score().value_or(-1);
}

QColor statusColour(VariantStatus status) {
  switch (status) {
    case VariantStatus::approved: return {30, 130, 60};
    case VariantStatus::rejected: return {120, 120, 120};
    case VariantStatus::flagged: return {190, 40, 40};
    default: return {};
  }
}

}  // namespace

const QStringList& VariantsPanel::flagReasons() {
  static const QStringList reasons{"product extended", "product altered", "extra objects", "halo",
                                   "wrong scale",      "text/logo",       "other"};
  return reasons;
}

VariantsPanel::VariantsPanel(ProjectSession& session, QUndoStack& undoStack, QWidget* parent)
    : QWidget(parent), session_(session), undoStack_(undoStack), autoAdvance_(StudioSettings::load().autoAdvance) {
  setObjectName("variantsPanel");
  heading_ = new QLabel;
  heading_->setObjectName("variantsHeading");
  sortOrder_ = new QComboBox;
  sortOrder_->setObjectName("variantSort");
  sortOrder_->addItems({tr("Newest first"), tr("Artifact score, worst first"), tr("Status")});
  model_ = new QStandardItemModel(this);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(kSortKeyRole);
  grid_ = makeThumbnailGrid("variantGrid", kThumbnail, kCaptionHeight);
  grid_->setModel(proxy_);
  grid_->installEventFilter(this);
  compare_ = new CompareView;
  buildFlagMenu();

  auto* help =
      new QLabel(tr("Review menu: P approve · X reject · U unflag · 1-5 stars · A flag artifact · "
                    "C compare · O/M/E output, mask, edges"));
  help->setObjectName("reviewKeysHelp");
  auto* top = new QHBoxLayout;
  top->addWidget(heading_, 1);
  top->addWidget(help);
  top->addWidget(sortOrder_);
  auto* splitter = new QSplitter(Qt::Vertical);
  splitter->addWidget(grid_);
  splitter->addWidget(compare_);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);
  splitter->setSizes({300, 200});  // proportions: the compare view gets two fifths from the start
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(splitter, 1);

  connect(sortOrder_, &QComboBox::currentIndexChanged, this, &VariantsPanel::reload);
  connect(grid_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &VariantsPanel::updateCompare);
  connect(grid_->selectionModel(), &QItemSelectionModel::currentChanged, this, &VariantsPanel::updateCompare);
  connect(&compareWork_, &QFutureWatcher<QList<ComparePane>>::finished, this, &VariantsPanel::onCompareLoaded);
  connect(&session_, &ProjectSession::variantsChanged, this, &VariantsPanel::reload);
}

void VariantsPanel::buildFlagMenu() {
  flagMenu_ = new QMenu(this);
  flagMenu_->setObjectName("flagReasonMenu");
  for (const QString& reason : flagReasons()) {
    flagMenu_->addAction(reason, this, [this, reason] {
      review(
          "flag", tr("Flag: %1").arg(reason),
          [reason](ReviewState& state) {
            state.status = VariantStatus::flagged;
            if (std::find(state.flagReasons.begin(), state.flagReasons.end(), reason.toStdString()) ==
                state.flagReasons.end()) {
              state.flagReasons.push_back(reason.toStdString());
            }
          },
          true);
    });
  }
}

void VariantsPanel::showProduct(const QString& productId) {
  productId_ = productId;
  reload();
}

int VariantsPanel::variantCount() const { return model_->rowCount(); }

void VariantsPanel::reload() {
  if (!session_.isOpen()) return;
  const int64_t current = currentVariantId();
  const QList<int64_t> selected = selectedIds();
  const auto variants = productId_.isEmpty() ? session_.project().variants().list()
                                             : session_.project().variants().list_for_product(productId_.toStdString());
  reloading_ = true;
  fillModel(variants);
  proxy_->sort(0);
  const int count = static_cast<int>(variants.size());
  const QString shown = countText(count, tr("%1 variant"), tr("%1 variants"));
  heading_->setText(productId_.isEmpty() ? tr("<b>%1</b> of all products").arg(shown)
                                         : tr("<b>%1</b> of %2").arg(shown, productId_));
  restoreSelection(current, selected);
  reloading_ = false;
  updateCompare();
}

void VariantsPanel::fillModel(const std::vector<StoredVariant>& variants) {
  const std::filesystem::path cache = session_.cacheDir().toStdString();
  // A variant's image path is named by its content's key, so the icons shown now stay valid: a
  // reload (one per finished variant while a queue runs) decodes only the images that are new.
  QHash<QString, QIcon> shownIcons;
  for (int row = 0; row < model_->rowCount(); ++row) {
    const QStandardItem* item = model_->item(row);
    shownIcons.insert(item->data(kImagePathRole).toString(), item->icon());
  }
  model_->clear();
  const int captionWidth = grid_->gridSize().width() - 8;
  for (const auto& variant : variants) {
    const double score = artifactScore(variant);
    const VariantCaption caption = variantCaption(variant, grid_->fontMetrics(), captionWidth);
    auto* item = new QStandardItem(caption.text);
    item->setEditable(false);
    const QString image = QString::fromStdString((cache / variant.image_path).string());
    const QIcon shown = shownIcons.value(image);
    item->setIcon(shown.isNull() ? thumbnailIcon(QPixmap(image).scaled(kThumbnail, kThumbnail, Qt::KeepAspectRatio,
                                                                      Qt::SmoothTransformation))
                                 : shown);
    item->setData(image, kImagePathRole);
    item->setData(static_cast<qlonglong>(variant.id), kVariantIdRole);
    item->setData(QString::fromStdString(to_string(variant.status)), kStatusRole);
    item->setData(score, kArtifactScoreRole);
    item->setData(QString::fromStdString(variant.product_external_id), kProductIdRole);
    item->setForeground(statusColour(variant.status));
    item->setToolTip(caption.toolTip);
    switch (sortOrder_->currentIndex()) {
      case 1: item->setData(-score, kSortKeyRole); break;
      case 2: item->setData(QString::fromStdString(to_string(variant.status)), kSortKeyRole); break;
      default: item->setData(-static_cast<double>(variant.id), kSortKeyRole);
    }
    model_->appendRow(item);
  }
}

// The current variant and the selection as they were before a reload, where they are still shown;
// else the first variant.
void VariantsPanel::restoreSelection(int64_t current, const QList<int64_t>& selected) {
  QModelIndex currentIndex = indexOf(current);
  if (!currentIndex.isValid()) currentIndex = proxy_->index(0, 0);
  if (!currentIndex.isValid()) return;
  // One pass over the grid: a queue's reloads keep a large selection without quadratic cost.
  const QSet<int64_t> wanted(selected.begin(), selected.end());
  QItemSelection selection;
  for (int row = 0; row < proxy_->rowCount() && !wanted.isEmpty(); ++row) {
    const QModelIndex index = proxy_->index(row, 0);
    if (wanted.contains(index.data(kVariantIdRole).toLongLong())) selection.select(index, index);
  }
  if (selection.isEmpty()) selection.select(currentIndex, currentIndex);
  grid_->selectionModel()->setCurrentIndex(currentIndex, QItemSelectionModel::NoUpdate);
  grid_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

bool VariantsPanel::eventFilter(QObject* watched, QEvent* event) {
  // The review keys are the Review menu's actions; the layer keys belong to the compare view.
  if (watched == grid_ && event->type() == QEvent::KeyPress &&
      compare_->handleLayerKey(static_cast<QKeyEvent*>(event))) {
    return true;
  }
  return QWidget::eventFilter(watched, event);
}

void VariantsPanel::approve() {
  review(
      "approve", tr("Approve"),
      [](ReviewState& s) {
        s.status = VariantStatus::approved;
        s.flagReasons.clear();
      },
      true);
}

void VariantsPanel::reject() {
  review(
      "reject", tr("Reject"), [](ReviewState& s) { s.status = VariantStatus::rejected; }, true);
}

void VariantsPanel::unflag() {
  review(
      "clear", tr("Clear"),
      [](ReviewState& s) {
        s.status = VariantStatus::generated;
        s.flagReasons.clear();
      },
      false);
}

void VariantsPanel::rate(int stars) {
  review(
      "rate", countText(stars, tr("%1 star"), tr("%1 stars")), [stars](ReviewState& s) { s.stars = stars; }, true);
}

void VariantsPanel::flagArtifact() {
  if (currentVariantId() == 0) return;
  // Non-modal, so the grid keeps working and tests can pick a reason.
  flagMenu_->popup(grid_->viewport()->mapToGlobal(grid_->visualRect(grid_->currentIndex()).center()));
}

void VariantsPanel::review(const std::string& action, const QString& text,
                           const std::function<void(ReviewState&)>& change, bool advanceAfter) {
  const int64_t id = currentVariantId();
  if (id == 0) return;
  // The next variant in the order the reviewer saw: the change may re-sort the grid.
  const int64_t next = advanceAfter && autoAdvance_ ? neighbourId(1) : 0;
  undoStack_.push(new ReviewCommand(session_, {id}, action, change, text));  // its reload keeps `id` current
  if (next != 0) setCurrentVariant(next);
}

void VariantsPanel::compareCurrent() {
  if (currentVariantId() == 0 || selectedIds().size() > 1) return;  // compared already
  const int64_t other = neighbourId(1) != 0 ? neighbourId(1) : neighbourId(-1);
  if (other != 0) grid_->selectionModel()->select(indexOf(other), QItemSelectionModel::Select);
}

void VariantsPanel::setAutoAdvance(bool on) {
  autoAdvance_ = on;
  StudioSettings settings = StudioSettings::load();
  settings.autoAdvance = on;
  settings.save();
}

int64_t VariantsPanel::currentVariantId() const {
  return grid_->currentIndex().isValid() ? grid_->currentIndex().data(kVariantIdRole).toLongLong() : 0;
}

bool VariantsPanel::setCurrentVariant(int64_t id) {
  const QModelIndex index = indexOf(id);
  if (!index.isValid()) return false;
  grid_->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
  grid_->scrollTo(index);
  return true;
}

QModelIndex VariantsPanel::indexOf(int64_t id) const {
  for (int row = 0; row < proxy_->rowCount(); ++row) {
    if (proxy_->index(row, 0).data(kVariantIdRole).toLongLong() == id) return proxy_->index(row, 0);
  }
  return {};
}

int64_t VariantsPanel::neighbourId(int offset) const {
  if (!grid_->currentIndex().isValid()) return 0;
  const QModelIndex index = proxy_->index(grid_->currentIndex().row() + offset, 0);
  return index.isValid() ? index.data(kVariantIdRole).toLongLong() : 0;
}

QList<int64_t> VariantsPanel::selectedIds() const {
  QList<int64_t> ids;  // in the grid's order
  for (int row = 0; row < proxy_->rowCount(); ++row) {
    if (grid_->selectionModel()->isSelected(proxy_->index(row, 0))) {
      ids << proxy_->index(row, 0).data(kVariantIdRole).toLongLong();
    }
  }
  return ids;
}

void VariantsPanel::selectFirst(int count) {
  QItemSelection selection;
  for (int row = 0; row < std::min(count, proxy_->rowCount()); ++row) selection.select(proxy_->index(row, 0), proxy_->index(row, 0));
  // The first is current: the compared variants are the selected ones, the keys act on the first.
  grid_->selectionModel()->setCurrentIndex(proxy_->index(0, 0), QItemSelectionModel::NoUpdate);
  grid_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

// The current variant alone (the loupe), or the selected ones with it (compare), captioned.
QList<ComparePane> VariantsPanel::wantedPanes() const {
  const int64_t current = currentVariantId();
  QList<int64_t> ids = selectedIds();
  if (ids.size() <= 1) ids = current != 0 ? QList<int64_t>{current} : QList<int64_t>{};
  if (ids.size() > kMaxCompared) ids.resize(kMaxCompared);
  if (current != 0 && !ids.contains(current)) ids.back() = current;  // the acted-on variant is always seen
  QList<ComparePane> panes;
  for (const int64_t id : ids) {
    const QModelIndex index = indexOf(id);
    // The state, the product and the placement line of the thumbnail's caption (variant_caption.h).
    const QStringList lines = index.data(Qt::DisplayRole).toString().split('\n');
    QString caption = lines.value(0) + " · " + index.data(kProductIdRole).toString();
    if (lines.size() > 2) caption += " · " + lines[2];
    panes.append({id, caption, {}, id == current});
  }
  return panes;
}

void VariantsPanel::updateCompare() {
  if (reloading_ || !session_.isOpen()) return;
  const QList<ComparePane> wanted = wantedPanes();
  if (compare_->setCaptions(wanted)) return;  // the same variants: shown, or their layers loading
  QList<ComparePane> loading = wanted;
  for (ComparePane& pane : loading) pane.layers.problem = tr("loading…");
  compare_->setPanes(loading);  // at once: the loupe never shows another variant than the current one
  loadLayers(wanted);
}

void VariantsPanel::loadLayers(const QList<ComparePane>& panes) {
  if (compareWork_.isRunning()) return;  // onCompareLoaded loads what is shown by then
  std::vector<std::pair<int64_t, std::optional<StoredVariant>>> variants;  // every pane, found or not
  for (const ComparePane& pane : panes)
    variants.emplace_back(pane.variantId, session_.project().variants().find(pane.variantId));
  const std::filesystem::path cache = session_.cacheDir().toStdString();
  compareWork_.setFuture(QtConcurrent::run([variants, cache] {
    QList<ComparePane> loaded;
    for (const auto& [id, variant] : variants) {
      VariantLayers layers;
      if (variant)
        layers = load_variant_layers(*variant, cache);
      else
        layers.problem = QObject::tr("variant %1 is no longer in the project").arg(id);
      loaded.append({id, {}, layers, false});
    }
    return loaded;
  }));
}

void VariantsPanel::onCompareLoaded() {
  if (!compare_->setLayers(compareWork_.result())) {  // the selection changed meanwhile: load that one
    loadLayers(wantedPanes());
    return;
  }
  emit compareShown();
}

}  // namespace backdrop::ui
