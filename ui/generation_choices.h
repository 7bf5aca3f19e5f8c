#pragma once
// What the Studio's Generate makes: which of the project's placements (checkboxes), which colours
// ("none", "palette:N", "#rrggbb", comma-separated) and how many seeds, with the count of variants
// those choices plan for the selection, e.g. "3 products × 2 prompts × 3 placements × 2 colours =
// 36 variants". The count is core's plan of the choices, made on a worker thread (a palette is
// read from the products' photos) and shown before anything starts.

#include <QString>
#include <QStringList>
#include <QWidget>
#include <set>
#include <string>
#include <vector>

#include "ui/scoped_future_watcher.h"

class QLabel;
class QLineEdit;
class QSpinBox;
class QTimer;
class QGridLayout;

namespace backdrop::ui {

class ProjectSession;
struct RunRequest;

class GenerationChoices : public QWidget {
  Q_OBJECT

 public:
  explicit GenerationChoices(ProjectSession& session, QWidget* parent = nullptr);
  ~GenerationChoices() override;

  // The products the count is for (empty: all); the main window follows the catalogue's selection.
  void setProducts(const QStringList& productIds);
  // Fills the request's placements, colours and seeds; false (with the reason) when they plan nothing.
  bool fillRequest(RunRequest& request, QString& why) const;

 signals:
  void validityChanged(bool plannable);

 protected:
  void showEvent(QShowEvent* event) override;  // placements added or removed elsewhere show up

 private:
  void reloadPlacements();
  std::vector<std::string> checkedPlacements() const;
  void scheduleCount();
  void count();
  void showCount();

  ProjectSession& session_;
  QGridLayout* placementBoxes_ = nullptr;
  QLineEdit* colours_ = nullptr;
  QSpinBox* seeds_ = nullptr;
  QLabel* count_ = nullptr;
  QTimer* countDelay_ = nullptr;
  QStringList productIds_;
  std::set<std::string> unchecked_;  // placements left out; new ones are in until unchecked
  bool recount_ = false;             // the choices changed while a count was running
  ScopedFutureWatcher<QString> counting_;
};

}  // namespace backdrop::ui
