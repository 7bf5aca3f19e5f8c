#pragma once
// Edits StudioSettings; Save refuses settings with problems and lists them. With a project open,
// the segmentation fields show and edit that project's settings (what its runs use); Save also keeps
// them as the defaults for new projects.

#include <QDialog>

#include "ui/studio_settings.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;

namespace backdrop {
class Project;
}

namespace backdrop::ui {

class SettingsDialog : public QDialog {
  Q_OBJECT

 public:
  explicit SettingsDialog(QWidget* parent = nullptr, Project* project = nullptr);
  StudioSettings settings() const;
  // Saves and closes when the settings are valid; otherwise shows the problems and stays open.
  bool trySave();

 private:
  QLineEdit* pathField(const QString& name, bool folder);
  // The preset, custom size/mean/std and threshold fields, filled from `current`.
  void createSegmentationFields(const StudioSettings& current);
  // The LoRA list ("FILE:multiplier" per row, editable) with Add… and Remove.
  QLayout* createLoraList(const StudioSettings& current);

  Project* project_ = nullptr;
  QLineEdit* checkpoint_ = nullptr;
  QLineEdit* controlnet_ = nullptr;
  QLineEdit* segmenter_ = nullptr;
  QComboBox* segmenterPreset_ = nullptr;
  QSpinBox* segmenterSize_ = nullptr;
  QLineEdit* segmenterMean_ = nullptr;
  QLineEdit* segmenterStd_ = nullptr;
  QDoubleSpinBox* confidenceThreshold_ = nullptr;
  QLineEdit* device_ = nullptr;
  QSpinBox* threads_ = nullptr;
  QComboBox* recipe_ = nullptr;
  QComboBox* dtype_ = nullptr;
  QSpinBox* steps_ = nullptr;
  QLineEdit* output_ = nullptr;
  QLineEdit* yourName_ = nullptr;
  QListWidget* loras_ = nullptr;
  QLabel* problems_ = nullptr;
};

}  // namespace backdrop::ui
