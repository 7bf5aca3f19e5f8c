#pragma once
// The push dialog's experiment section: either an experiment plan file (all its experiments, as
// `backdrop push --experiment FILE` takes it) or one experiment set up here — id, salt, category
// ("*": every category), the groups with their kinds and traffic shares, and the control. What it
// holds is checked by core/experiment's plan reader (the same errors as for a file).

#include <optional>

#include <QGroupBox>

#include "core/experiment/experiment_plan.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace backdrop::ui {

class ExperimentPlanEditor : public QGroupBox {
  Q_OBJECT

 public:
  explicit ExperimentPlanEditor(QWidget* parent = nullptr);

  // The plan to publish: empty when the box is unchecked; nullopt (and `error` set) when what is
  // entered is not a valid plan.
  std::optional<experiment::ExperimentPlan> plan(QString* error = nullptr) const;
  // Reads a plan file; its experiments replace the editor's until cleared. False (and the error
  // shown) when it cannot be read.
  bool loadFile(const QString& file);
  void clearFile();
  // Sets the groups table: one row per group.
  void setGroups(const std::vector<experiment::ExperimentGroup>& groups);

 signals:
  void changed();

 private:
  void addGroupRow(const experiment::ExperimentGroup& group);
  void refreshControls();
  void emitChanged();
  nlohmann::json editedJson() const;

  QLineEdit* file_ = nullptr;
  QPushButton* clearFile_ = nullptr;
  QLineEdit* id_ = nullptr;
  QLineEdit* salt_ = nullptr;
  QLineEdit* category_ = nullptr;
  QTableWidget* groups_ = nullptr;
  QComboBox* control_ = nullptr;
  QPushButton* addGroup_ = nullptr;
  QPushButton* removeGroup_ = nullptr;
  QLabel* status_ = nullptr;
  std::optional<experiment::ExperimentPlan> fromFile_;
  bool refreshing_ = false;
};

}  // namespace backdrop::ui
