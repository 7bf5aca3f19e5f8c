#pragma once
// The variants of the selected product (or of every product) as a grid, sortable by artifact
// score, with a loupe / compare view (2-4 selected, synced zoom and pan). Culling keys on the grid:
// P approve, X reject, U clear, 1-5 stars, A flag an artifact (reason from a menu); the selection
// moves to the next variant after each key. Every action is an undoable ReviewCommand. O, M and E
// switch the compare view between outputs, masks and edge maps; its layers load on a worker.

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
  void reload();
  int variantCount() const;
  QListView* grid() const { return grid_; }
  CompareView* compare() const { return compare_; }
  // Selects the first `count` variants of the grid, so the compare view shows them side by side.
  void selectFirst(int count);

  static const QStringList& flagReasons();

 signals:
  void compareShown();  // the compare view shows the current selection

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  bool handleReviewKey(int key);
  void review(const std::string& action, const QString& text, const std::function<void(ReviewState&)>& change,
              bool advance);
  void showFlagMenu();
  void updateCompare();
  void onCompareLoaded();
  std::vector<int64_t> selectedIds() const;
  void advance();

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
  bool comparePending_ = false;  // the selection changed while layers were loading
};

}  // namespace backdrop::ui
