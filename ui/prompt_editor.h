#pragma once
// The designers' prompt editor: per category, the prompts, negative prompts and colour hints of
// the selected version (add, edit, reorder, duplicate, remove), saved as a new draft version; the
// version history; and approval (or retirement) of a version by a merchandiser. Placeholders
// {product}, {category} and {colour} are written as text and filled in by the generator.

#include <QWidget>

class QComboBox;
class QListWidget;
class QPushButton;
class QTableWidget;

namespace backdrop::ui {

class ProjectSession;

class PromptEditor : public QWidget {
  Q_OBJECT

 public:
  explicit PromptEditor(ProjectSession& session, QWidget* parent = nullptr);

  void reload();
  // The buttons' actions, public for keyboard users' menus and tests.
  bool saveVersion();
  bool approveSelectedVersion();
  bool retireSelectedVersion();
  void addPrompt();
  void duplicatePrompt();
  void removePrompt();
  void movePrompt(int delta);

 private:
  void showVersions();
  void showSelectedVersion();
  int64_t selectedVersionId() const;
  void setSelectedApproval(int approval);

  ProjectSession& session_;
  QComboBox* category_ = nullptr;
  QListWidget* versions_ = nullptr;
  QTableWidget* prompts_ = nullptr;
};

}  // namespace backdrop::ui
