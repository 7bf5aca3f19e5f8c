#include "ui/variants_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHash>
#include <QIcon>
#include <QKeyEvent>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <filesystem>

#include "core/store/project.h"
#include "ui/compare_view.h"
#include "ui/project_session.h"
#include "ui/review_command.h"
#include "ui/roles.h"
#include "ui/thumbnail_grid.h"

namespace backdrop::ui {
namespace {

constexpr int kThumbnail = 160;
constexpr int kMaxCompared = 4;

QString stars(int count) { return count > 0 ? QString(count, QChar(0x2605)) : QString(); }

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
    : QWidget(parent), session_(session), undoStack_(undoStack) {
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
  grid_ = makeThumbnailGrid("variantGrid", kThumbnail, 56);
  grid_->setModel(proxy_);
  grid_->installEventFilter(this);
  compare_ = new CompareView;

  flagMenu_ = new QMenu(this);
  flagMenu_->setObjectName("flagReasonMenu");
  for (const QString& reason : flagReasons()) {
    flagMenu_->addAction(reason, this, [this, reason] {
      review("flag", tr("Flag: %1").arg(reason),
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

  auto* help = new QLabel(tr("P approve · X reject · U clear · 1-5 stars · A flag artifact · Ctrl+Z undo · "
                             "O/M/E output, mask, edges"));
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
  connect(&compareWork_, &QFutureWatcher<QList<ComparePane>>::finished, this, &VariantsPanel::onCompareLoaded);
  connect(&session_, &ProjectSession::variantsChanged, this, &VariantsPanel::reload);
}

void VariantsPanel::showProduct(const QString& productId) {
  productId_ = productId;
  reload();
}

int VariantsPanel::variantCount() const { return model_->rowCount(); }

void VariantsPanel::reload() {
  if (!session_.isOpen()) return;
  const int64_t current = grid_->currentIndex().data(kVariantIdRole).toLongLong();
  const auto variants = productId_.isEmpty() ? session_.project().variants().list()
                                             : session_.project().variants().list_for_product(productId_.toStdString());
  const std::filesystem::path cache = session_.cacheDir().toStdString();
  // A variant's image path is named by its content's key, so the icons shown now stay valid: a
  // reload (one per finished variant while a queue runs) decodes only the images that are new.
  QHash<QString, QIcon> shownIcons;
  for (int row = 0; row < model_->rowCount(); ++row) {
    const QStandardItem* item = model_->item(row);
    shownIcons.insert(item->data(kImagePathRole).toString(), item->icon());
  }
  model_->clear();
  for (const auto& variant : variants) {
    const double score = artifactScore(variant);
    QString text = QString::fromStdString(to_string(variant.status));
    if (variant.stars.value_or(0) > 0) text += " " + stars(*variant.stars);
    if (!variant.flag_reasons.empty()) text += "\n" + QString::fromStdString(variant.flag_reasons.front());
    text += score >= 0 ? tr("\nartifact %1").arg(score, 0, 'f', 2) : QString();
    auto* item = new QStandardItem(text);
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
    item->setToolTip(QString::fromStdString(variant.product_external_id + " · " + variant.variant_key.substr(0, 12)));
    switch (sortOrder_->currentIndex()) {
      case 1: item->setData(-score, kSortKeyRole); break;
      case 2: item->setData(QString::fromStdString(to_string(variant.status)), kSortKeyRole); break;
      default: item->setData(-static_cast<double>(variant.id), kSortKeyRole);
    }
    model_->appendRow(item);
  }
  proxy_->sort(0);
  const int count = static_cast<int>(variants.size());
  heading_->setText(productId_.isEmpty() ? tr("<b>%n variant(s)</b> of all products", nullptr, count)
                                         : tr("<b>%n variant(s)</b> of %1", nullptr, count).arg(productId_));
  for (int row = 0; row < proxy_->rowCount(); ++row) {
    if (proxy_->index(row, 0).data(kVariantIdRole).toLongLong() == current) {
      grid_->setCurrentIndex(proxy_->index(row, 0));
      return;
    }
  }
  if (proxy_->rowCount() > 0) grid_->setCurrentIndex(proxy_->index(0, 0));
}

bool VariantsPanel::eventFilter(QObject* watched, QEvent* event) {
  if (watched == grid_ && event->type() == QEvent::KeyPress) {
    const auto* key = static_cast<QKeyEvent*>(event);
    if (key->modifiers() == Qt::NoModifier && handleReviewKey(key->key())) return true;
    if (compare_->handleLayerKey(key)) return true;
  }
  return QWidget::eventFilter(watched, event);
}

bool VariantsPanel::handleReviewKey(int key) {
  if (selectedIds().empty()) return false;
  switch (key) {
    case Qt::Key_P:
      review("approve", tr("Approve"), [](ReviewState& s) { s.status = VariantStatus::approved; s.flagReasons.clear(); }, true);
      return true;
    case Qt::Key_X:
      review("reject", tr("Reject"), [](ReviewState& s) { s.status = VariantStatus::rejected; }, true);
      return true;
    case Qt::Key_U:
      review("clear", tr("Clear"), [](ReviewState& s) { s.status = VariantStatus::generated; s.flagReasons.clear(); }, false);
      return true;
    case Qt::Key_A:
      showFlagMenu();
      return true;
    default:
      if (key >= Qt::Key_1 && key <= Qt::Key_5) {
        const int count = key - Qt::Key_0;
        review("rate", tr("%1 stars").arg(count), [count](ReviewState& s) { s.stars = count; }, true);
        return true;
      }
      return false;
  }
}

void VariantsPanel::review(const std::string& action, const QString& text,
                           const std::function<void(ReviewState&)>& change, bool advanceAfter) {
  const auto ids = selectedIds();
  if (ids.empty()) return;
  const bool single = ids.size() == 1;
  undoStack_.push(new ReviewCommand(session_, ids, action, change,
                                    single ? text : tr("%1 (%2 variants)").arg(text).arg(ids.size())));
  if (advanceAfter && single) advance();
}

void VariantsPanel::showFlagMenu() {
  // Non-modal, so the grid keeps working and tests can pick a reason.
  flagMenu_->popup(grid_->viewport()->mapToGlobal(grid_->visualRect(grid_->currentIndex()).center()));
}

void VariantsPanel::advance() {
  const int next = grid_->currentIndex().row() + 1;
  if (next < proxy_->rowCount()) grid_->setCurrentIndex(proxy_->index(next, 0));
}

std::vector<int64_t> VariantsPanel::selectedIds() const {
  std::vector<int64_t> ids;
  for (const QModelIndex& index : grid_->selectionModel()->selectedIndexes()) {
    ids.push_back(index.data(kVariantIdRole).toLongLong());
  }
  if (ids.empty() && grid_->currentIndex().isValid()) ids.push_back(grid_->currentIndex().data(kVariantIdRole).toLongLong());
  return ids;
}

void VariantsPanel::selectFirst(int count) {
  QItemSelection selection;
  for (int row = 0; row < std::min(count, proxy_->rowCount()); ++row) selection.select(proxy_->index(row, 0), proxy_->index(row, 0));
  grid_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

void VariantsPanel::updateCompare() {
  if (!session_.isOpen()) return;
  if (compareWork_.isRunning()) {
    comparePending_ = true;
    return;
  }
  struct Wanted {
    QString caption;
    StoredVariant variant;
  };
  QList<Wanted> wanted;
  auto& project = session_.project();
  for (const QModelIndex& index : grid_->selectionModel()->selectedIndexes()) {
    if (wanted.size() == kMaxCompared) break;
    const auto variant = project.variants().find(index.data(kVariantIdRole).toLongLong());
    if (!variant) continue;
    wanted.append({index.data(Qt::DisplayRole).toString().section('\n', 0, 0) + " · " +
                       QString::fromStdString(variant->product_external_id),
                   *variant});
  }
  const std::filesystem::path cache = session_.cacheDir().toStdString();
  compareWork_.setFuture(QtConcurrent::run([wanted, cache] {
    QList<ComparePane> panes;
    for (const auto& [caption, variant] : wanted) panes.append({caption, load_variant_layers(variant, cache)});
    return panes;
  }));
}

void VariantsPanel::onCompareLoaded() {
  if (comparePending_) {  // a newer selection: show that one instead
    comparePending_ = false;
    updateCompare();
    return;
  }
  compare_->setPanes(compareWork_.result());
  emit compareShown();
}

}  // namespace backdrop::ui
