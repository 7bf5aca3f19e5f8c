#pragma once
// The variants of the selected product (or of every product) as a grid, sortable by artifact
// score, with a loupe / compare view (synced zoom and pan). One variant is current: the grid's
// current item, the loupe shows it, and the review actions (the main window's Review menu: P
// approve, X reject, U unflag, 1-5 stars, A flag an artifact, C compare) apply to it, then move on
// to the next variant when auto-advance is on. Several selected variants are compared side by
// side, the current one marked. Every action is an undoable ReviewCommand. O, M and E switch the
// compare view between outputs, masks and edge maps; its layers load on a worker.

#include <QWidget>
#include <functional>

#include "ui/compare_view.h"
#include "ui/review_command.h"
#include "ui/scoped_future_watcher.h"

class QComboBox;
class QLabel;
class QListView;
class QMenu;
class QSortFilterProxyModel;
class QStandardItemModel;
class QUndoStack;

namespace backdrop::ui {

class ProjectSession;

class VariantsPanel : public QWidget {
  Q_OBJECT

 public:
  VariantsPanel(ProjectSession& session, QUndoStack& undoStack, QWidget* parent = nullptr);

  void showProduct(const QString& productId);  // empty: all products
  const QString& productId() const { return productId_; }
  void reload();
  int variantCount() const;
  QListView* grid() const { return grid_; }
  CompareView* compare() const { return compare_; }
  // Selects the first `count` variants of the grid, so the compare view shows them side by side.
  void selectFirst(int count);

  // The variant the loupe shows and the review actions apply to; 0 when the grid is empty.
  int64_t currentVariantId() const;
  // Makes `id` current, alone in the selection (the loupe shows it); false when it is not shown.
  bool setCurrentVariant(int64_t id);
  bool autoAdvance() const { return autoAdvance_; }
  void setAutoAdvance(bool on);  // remembered in StudioSettings

  // The Review menu's actions, on the current variant.
  void approve();
  void reject();
  void unflag();
  void rate(int stars);
  void flagArtifact();  // asks for the reason (flagReasonMenu)
  // C: the current variant beside the other selected ones, or beside the next variant when it is
  // the only one selected.
  void compareCurrent();

  static const QStringList& flagReasons();

 signals:
  void compareShown();  // the compare view shows the current selection, its layers loaded

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void buildFlagMenu();
  void fillModel(const std::vector<StoredVariant>& variants);
  void restoreSelection(int64_t current, const QList<int64_t>& selected);
  void review(const std::string& action, const QString& text, const std::function<void(ReviewState&)>& change,
              bool advance);
  QModelIndex indexOf(int64_t id) const;
  // The variant `offset` places from the current one in the grid's order; 0 when there is none.
  int64_t neighbourId(int offset) const;
  QList<int64_t> selectedIds() const;
  QList<ComparePane> wantedPanes() const;
  void updateCompare();
  void loadLayers(const QList<ComparePane>& panes);
  void onCompareLoaded();

  ProjectSession& session_;
  QUndoStack& undoStack_;
  QString productId_;
  QLabel* heading_ = nullptr;
  QComboBox* sortOrder_ = nullptr;
  QListView* grid_ = nullptr;
  QStandardItemModel* model_ = nullptr;
  QSortFilterProxyModel* proxy_ = nullptr;
  CompareView* compare_ = nullptr;
  QMenu* flagMenu_ = nullptr;
  ScopedFutureWatcher<QList<ComparePane>> compareWork_;
  bool reloading_ = false;  // the model is rebuilt: its selection changes are not the user's
  bool autoAdvance_ = true;
};

}  // namespace backdrop::ui
