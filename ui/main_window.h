#pragma once
// Backdrop Studio's main window: one project (*.backdrop) seen through tabs — the catalogue with
// the selected product, its variants under review, the prompt editor, the generation queue, the
// bandit dashboard and the experiments' report — with one undo stack for reviews and mask edits
// in the Edit menu and the engine in the status bar.

#include <QMainWindow>
#include <QPointer>
#include <QStringList>
#include <optional>

#include "core/catalog/catalog.h"
#include "core/imaging/segmenter_settings.h"

class QTabWidget;
class QUndoStack;

namespace backdrop::ui {

class BanditPanel;
class CataloguePanel;
class ExperimentsPanel;
class GenerationPanel;
class ProductPanel;
class ProjectSession;
class PromptEditor;
class PushDialog;
class VariantsPanel;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Each returns false (and tells the user why) when it cannot be done.
  bool createProject(const QString& file);
  bool openProject(const QString& file);
  // Imports a CSV (with this column mapping) or a folder of images on a worker thread; the
  // report of bad rows opens when it finishes (importFinished).
  bool importCatalogue(const QString& source, const CatalogColumns& columns = {}, const QString& folderCategory = {});
  // Segments the products (all when empty) on a worker thread and saves their masks.
  bool prepareProducts(const QStringList& productIds);
  // "catalogue", "product" (or its "edges" / "layouts" tab), "variants", "compare" (the first
  // variants side by side, masks shown), "prompts", "queue", "bandit" or "evaluation" (the
  // bandit dashboard's offline evaluation, started), "experiments" or "push" (the push dialog).
  bool showView(const QString& name);
  bool selectProduct(const QString& productId);
  // The Push to Production dialog (one at a time, non-modal); null without a project.
  PushDialog* showPushDialog();
  BanditPanel& bandit() { return *bandit_; }
  ExperimentsPanel& experiments() { return *experiments_; }
  CataloguePanel& catalogue() { return *catalogue_; }
  GenerationPanel& generation() { return *generation_; }
  ProjectSession& session() { return *session_; }
  QUndoStack& undoStack() { return *undoStack_; }

 signals:
  void importFinished(const QString& summary);
  void prepareFinished(const QString& summary);
  // The masks saved before mask verdicts existed have been checked and their verdicts recorded.
  void savedMasksReviewed(const QString& summary);

 private:
  void buildMenus();
  void rebuildRecentMenu();
  void chooseNewProject();
  void chooseOpenProject();
  void chooseImport(bool folder);
  void editSettings();
  void refreshCatalogue();
  void onProjectOpened();
  // Gives the masks saved before mask verdicts existed a verdict (core/preparation/saved_mask_review.h).
  void reviewSavedMasks();
  // The open project's segmentation settings; nothing (and the reason in the status bar) when a
  // stored value is malformed.
  std::optional<imaging::SegmenterSettings> segmentationOrMessage();
  void showProduct(const QString& productId);
  // The review moves to the next (+1) or previous (-1) product of the catalogue as shown.
  void stepProduct(int delta);
  // The review's actions work while the Variants tab is shown, whose grid then has the focus.
  void onTabChanged();
  void showImportReport(const QString& summary, const QStringList& issues);
  void showAbout();
  bool requireProject();

  ProjectSession* session_ = nullptr;
  QUndoStack* undoStack_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  CataloguePanel* catalogue_ = nullptr;
  ProductPanel* product_ = nullptr;
  VariantsPanel* variants_ = nullptr;
  PromptEditor* prompts_ = nullptr;
  GenerationPanel* generation_ = nullptr;
  BanditPanel* bandit_ = nullptr;
  ExperimentsPanel* experiments_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QList<QAction*> reviewActions_;  // enabled while the Variants tab is shown
  QPointer<PushDialog> push_;
  bool busy_ = false;  // an import or preparation is running
};

}  // namespace backdrop::ui
