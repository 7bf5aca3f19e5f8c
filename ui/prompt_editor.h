#pragma once
// The designers' prompt editor: per category, the prompts, negative prompts and colour hints of
// the selected version (add, edit, reorder, duplicate, remove), saved as a new draft version; the
// version history; approval (or retirement) of a version by a merchandiser; and a preview of the
// selected prompt on a chosen product of the category (PromptPreviewPanel). Placeholders
// {product}, {category} and {color} (core's prompt_library placeholders) are written as text and
// filled in by the diffusion generator.

#include <QWidget>

#include "core/store/prompt_repository.h"

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QTableWidget;

namespace backdrop::ui {

class ProjectSession;
class PromptPreviewPanel;

class PromptEditor : public QWidget {
  Q_OBJECT

 public:
  explicit PromptEditor(ProjectSession& session, QWidget* parent = nullptr);

  void reload();
  // The buttons' actions, public for keyboard users' menus and tests.
  bool saveVersion();
  bool approveSelectedVersion();
  // The Approve button: asks first, naming the version, its category and prompts and who the
  // approval is recorded under; approves on Yes.
  bool confirmApproval();
  bool retireSelectedVersion();
  void addPrompt();
  void duplicatePrompt();
  void removePrompt();
  void movePrompt(int delta);
  // Renders the selected row (as edited) on the preview's product; false when it cannot start.
  bool previewSelectedPrompt();
  PromptPreviewPanel* preview() const { return preview_; }

 private:
  void showVersions();
  void showSelectedVersion();
  int64_t selectedVersionId() const;
  std::optional<PromptSet> selectedVersion() const;
  PromptEntry entryAt(int row) const;  // the table's row as edited
  void setSelectedApproval(int approval);

  ProjectSession& session_;
  QComboBox* category_ = nullptr;
  QListWidget* versions_ = nullptr;
  QTableWidget* prompts_ = nullptr;
  QLabel* status_ = nullptr;  // the outcome of the last save, e.g. why it was refused
  PromptPreviewPanel* preview_ = nullptr;
};

}  // namespace backdrop::ui
