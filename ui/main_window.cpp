#include "ui/main_window.h"

#include <algorithm>

#include <QApplication>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QtConcurrent>

#include "core/engine/engine_info.h"
#include "core/imaging/product_segmentation.h"
#include "core/imaging/segmenter_factory.h"
#include "core/preparation/saved_mask_review.h"
#include "core/preparation/unprepared_products.h"
#include "core/rendering/library_prompt_sets.h"
#include "core/store/catalog_import.h"
#include "core/store/project.h"
#include "ui/bandit_evaluation_view.h"
#include "ui/bandit_panel.h"
#include "ui/catalogue_panel.h"
#include "ui/compare_view.h"
#include "ui/count_text.h"
#include "ui/experiments_panel.h"
#include "ui/generation_panel.h"
#include "ui/import_dialog.h"
#include "ui/product_panel.h"
#include "ui/product_status.h"
#include "ui/project_session.h"
#include "ui/prompt_editor.h"
#include "ui/prompt_preview.h"
#include "ui/push_dialog.h"
#include "ui/review_actions.h"
#include "ui/scoped_future_watcher.h"
#include "ui/settings_dialog.h"
#include "ui/studio_settings.h"
#include "ui/variants_panel.h"

namespace backdrop::ui {
namespace {

struct WorkResult {
  QString summary;
  QStringList issues;
  std::vector<MaskVerdict> verdicts;  // recorded in the project on the GUI thread
};

// Prepares the masks on a worker thread, with the learned segmenter of the settings when one is set.
WorkResult prepareMasks(const std::vector<std::pair<std::string, std::string>>& work,
                        const std::filesystem::path& cache, const imaging::SegmenterSettings& settings) {
  WorkResult result;
  std::unique_ptr<imaging::Segmenter> learned;
  try {
    learned = imaging::open_learned_segmenter(settings);
  } catch (const std::exception& error) {
    result.issues << QString::fromStdString(error.what());  // the classical segmenter still runs
  }
  int prepared = 0;
  for (const auto& [id, image] : work) {
    // As `backdrop prepare` and Generate prepare: a photo without a product is a verdict too.
    auto verdict = prepare_product(image, imaging::product_mask_path(cache, id), id, learned.get(),
                                   settings.confidence_threshold);
    if (!verdict.needs_attention) ++prepared;
    result.verdicts.push_back(std::move(verdict));
  }
  result.summary = QObject::tr("Prepared %1 of %2 products automatically, %3 need attention")
                       .arg(prepared)
                       .arg(work.size())
                       .arg(static_cast<int>(work.size()) - prepared);
  return result;
}

const QStringList kViews{"catalogue", "variants", "prompts", "queue", "bandit", "experiments"};

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setObjectName("mainWindow");
  setWindowTitle(tr("Backdrop Studio"));
  session_ = new ProjectSession(this);
  undoStack_ = new QUndoStack(this);
  catalogue_ = new CataloguePanel;
  product_ = new ProductPanel(*session_, *undoStack_);
  variants_ = new VariantsPanel(*session_, *undoStack_);
  prompts_ = new PromptEditor(*session_);
  generation_ = new GenerationPanel(*session_);
  bandit_ = new BanditPanel(*session_);
  experiments_ = new ExperimentsPanel;

  auto* browse = new QSplitter;
  browse->addWidget(catalogue_);
  browse->addWidget(product_);
  browse->setStretchFactor(0, 3);
  browse->setStretchFactor(1, 2);
  tabs_ = new QTabWidget;
  tabs_->setObjectName("viewTabs");
  tabs_->addTab(browse, tr("Catalogue"));
  tabs_->addTab(variants_, tr("Variants"));
  tabs_->addTab(prompts_, tr("Prompts"));
  tabs_->addTab(generation_, tr("Generate"));
  tabs_->addTab(bandit_, tr("Bandit"));
  tabs_->addTab(experiments_, tr("Experiments"));
  setCentralWidget(tabs_);

  buildMenus();
  connect(tabs_, &QTabWidget::currentChanged, this, &MainWindow::onTabChanged);
  onTabChanged();
  connect(catalogue_, &CataloguePanel::openCatalogueRequested, this, [this] { chooseImport(false); });
  connect(catalogue_, &CataloguePanel::currentProductChanged, this, &MainWindow::showProduct);
  connect(catalogue_, &CataloguePanel::productActivated, this, [this](const QString& id) {
    variants_->showProduct(id);
    showView("variants");
  });
  connect(session_, &ProjectSession::projectOpened, this, &MainWindow::onProjectOpened);
  connect(session_, &ProjectSession::productsChanged, this, &MainWindow::refreshCatalogue);
  connect(session_, &ProjectSession::variantsChanged, this,
          [this] { if (session_->isOpen()) catalogue_->updateStatuses(productStatuses(*session_)); });
  connect(product_, &ProductPanel::productChanged, this,
          [this] { catalogue_->updateStatuses(productStatuses(*session_)); });
  connect(generation_, &GenerationPanel::startRequested, this,
          [this] { generation_->start(catalogue_->selectedProductIds()); });
  connect(catalogue_, &CataloguePanel::currentProductChanged, this,
          [this] { generation_->setSelection(catalogue_->selectedProductIds()); });
  connect(generation_, &GenerationPanel::jobFinished, this,
          [this](const QString& summary) { statusBar()->showMessage(tr("Generation %1").arg(summary)); });
  connect(bandit_, &BanditPanel::priorsUpdated, this, [this](const QString& text) { statusBar()->showMessage(text); });

  const auto engine = engine_info();
  const QString threads = engine.threads == 1 ? tr("1 thread") : tr("%1 threads").arg(engine.threads);
  auto* engineLabel = new QLabel(tr("Engine %1 · libtorch %2 · %3 · %4")
                                     .arg(QString::fromStdString(engine.version),
                                          QString::fromStdString(engine.torch_version),
                                          QString::fromStdString(engine.device), threads));
  engineLabel->setObjectName("engineStatus");
  statusBar()->addPermanentWidget(engineLabel);
  statusBar()->showMessage(tr("Create or open a project to begin (File › New Project…)."));
  resize(1400, 860);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&New Project…"), QKeySequence::New, this, &MainWindow::chooseNewProject);
  file->addAction(tr("&Open Project…"), QKeySequence::Open, this, &MainWindow::chooseOpenProject);
  recentMenu_ = file->addMenu(tr("Open &Recent"));
  rebuildRecentMenu();
  file->addSeparator();
  file->addAction(tr("&Import Catalogue CSV…"), QKeySequence(tr("Ctrl+I")), this, [this] { chooseImport(false); });
  file->addAction(tr("Import Image &Folder…"), this, [this] { chooseImport(true); });
  file->addAction(tr("&Prepare Selected Products"), QKeySequence(tr("Ctrl+Shift+P")), this,
                  [this] { prepareProducts(catalogue_->selectedProductIds()); });
  file->addAction(tr("P&ush to Production…"), QKeySequence(tr("Ctrl+Shift+U")), this, &MainWindow::showPushDialog);
  file->addSeparator();
  file->addAction(tr("&Settings…"), QKeySequence::Preferences, this, &MainWindow::editSettings);
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  QAction* undo = undoStack_->createUndoAction(this, tr("&Undo"));
  undo->setShortcut(QKeySequence::Undo);
  QAction* redo = undoStack_->createRedoAction(this, tr("&Redo"));
  redo->setShortcut(QKeySequence::Redo);
  edit->addAction(undo);
  edit->addAction(redo);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  for (int i = 0; i < kViews.size(); ++i) {
    view->addAction(tr("Show %1").arg(kViews[i]), QKeySequence(QStringLiteral("Ctrl+%1").arg(i + 1)), this,
                    [this, i] { tabs_->setCurrentIndex(i); });
  }

  view->addSeparator();
  reviewActions_ = addLoupeViewActions(*view, *variants_);

  QMenu* review = menuBar()->addMenu(tr("&Review"));
  review->setObjectName("reviewMenu");
  reviewActions_ << addReviewActions(*review, *variants_);
  review->addSeparator();
  review->addAction(tr("&Next Product"), QKeySequence(Qt::CTRL | Qt::Key_Right), this, [this] { stepProduct(1); })
      ->setObjectName("reviewNextProduct");
  review->addAction(tr("&Previous Product"), QKeySequence(Qt::CTRL | Qt::Key_Left), this, [this] { stepProduct(-1); })
      ->setObjectName("reviewPreviousProduct");

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About Backdrop Studio"), this, &MainWindow::showAbout);
}

void MainWindow::rebuildRecentMenu() {
  recentMenu_->clear();
  const QStringList recent = ProjectSession::recentProjects();
  for (const QString& file : recent) recentMenu_->addAction(file, this, [this, file] { openProject(file); });
  recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::chooseNewProject() {
  const QString file = QFileDialog::getSaveFileName(this, tr("New Project"), QString(), tr("Backdrop project (*.backdrop)"));
  if (!file.isEmpty()) createProject(file.endsWith(".backdrop") ? file : file + ".backdrop");
}

void MainWindow::chooseOpenProject() {
  const QString file = QFileDialog::getOpenFileName(this, tr("Open Project"), QString(), tr("Backdrop project (*.backdrop)"));
  if (!file.isEmpty()) openProject(file);
}

bool MainWindow::createProject(const QString& file) {
  try {
    session_->create(file);
    return true;
  } catch (const std::exception& error) {
    QMessageBox::critical(this, tr("Cannot create project"), QString::fromStdString(error.what()));
    return false;
  }
}

bool MainWindow::openProject(const QString& file) {
  try {
    session_->open(file);
    return true;
  } catch (const std::exception& error) {
    QMessageBox::critical(this, tr("Cannot open project"), QString::fromStdString(error.what()));
    return false;
  }
}

void MainWindow::onProjectOpened() {
  undoStack_->clear();
  setWindowTitle(tr("%1 — Backdrop Studio").arg(QFileInfo(session_->file()).fileName()));
  rebuildRecentMenu();
  refreshCatalogue();
  variants_->showProduct({});
  bandit_->reload();
  reviewSavedMasks();
}

std::optional<imaging::SegmenterSettings> MainWindow::segmentationOrMessage() {
  try {
    return projectSegmenterSettings(session_->project());
  } catch (const std::exception& error) {  // a malformed value in the project file
    statusBar()->showMessage(tr("Segmentation settings: %1").arg(QString::fromStdString(error.what())));
    return std::nullopt;
  }
}

void MainWindow::reviewSavedMasks() {
  auto unreviewed = unreviewed_masks(session_->project());
  if (unreviewed.empty()) return;
  const auto settings = segmentationOrMessage();
  if (!settings) return;
  const double threshold = settings->confidence_threshold;
  const QString file = session_->file();
  auto* watcher = new QFutureWatcher<WorkResult>(this);
  connect(watcher, &QFutureWatcher<WorkResult>::finished, this, [this, watcher, file] {
    watcher->deleteLater();
    if (!session_->isOpen() || session_->file() != file) return;  // another project was opened meanwhile
    const WorkResult result = watcher->result();
    for (const auto& verdict : result.verdicts) {
      // A Prepare that finished meanwhile has the newer verdict.
      if (!session_->project().masks().find(verdict.product)) record_verdict(session_->project(), verdict);
    }
    catalogue_->updateStatuses(productStatuses(*session_));
    statusBar()->showMessage(result.summary);
    emit savedMasksReviewed(result.summary);
  });
  watcher->setFuture(QtConcurrent::run([unreviewed = std::move(unreviewed), threshold] {
    WorkResult result;
    int attention = 0;
    for (const auto& saved : unreviewed) {
      result.verdicts.push_back(review_saved_mask(saved, threshold));
      if (result.verdicts.back().needs_attention) ++attention;
    }
    result.summary =
        tr("Checked %1 mask(s) prepared before mask verdicts: %2 need attention").arg(unreviewed.size()).arg(attention);
    return result;
  }));
}

void MainWindow::refreshCatalogue() {
  if (!session_->isOpen()) return;
  const auto products = session_->project().products().list();
  catalogue_->showProducts(products, productStatuses(*session_));
  product_->clear();
  statusBar()->showMessage(
      tr("%1 · %2").arg(QFileInfo(session_->file()).fileName(),
                        countText(static_cast<qint64>(products.size()), tr("%1 product"), tr("%1 products"))));
}

bool MainWindow::requireProject() {
  if (session_->isOpen()) return true;
  QMessageBox::information(this, tr("No project"), tr("Create or open a project first (File › New Project…)."));
  return false;
}

void MainWindow::chooseImport(bool folder) {
  if (!requireProject()) return;
  const QString source = folder ? QFileDialog::getExistingDirectory(this, tr("Import Image Folder"))
                                : QFileDialog::getOpenFileName(this, tr("Import Catalogue"), QString(), tr("Catalogue CSV (*.csv)"));
  if (source.isEmpty()) return;
  try {
    ImportDialog dialog(source, this);
    if (dialog.exec() != QDialog::Accepted) return;
    importCatalogue(source, dialog.columns(), dialog.folderCategory());
  } catch (const std::exception& error) {
    QMessageBox::critical(this, tr("Cannot read catalogue"), QString::fromStdString(error.what()));
  }
}

bool MainWindow::importCatalogue(const QString& source, const CatalogColumns& columns, const QString& folderCategory) {
  if (!session_->isOpen() || busy_) return false;
  busy_ = true;
  statusBar()->showMessage(tr("Importing %1…").arg(QFileInfo(source).fileName()));
  const std::string file = session_->file().toStdString();
  const bool folder = QFileInfo(source).isDir();
  auto* watcher = new ScopedFutureWatcher<WorkResult>(this);
  connect(watcher, &QFutureWatcher<WorkResult>::finished, this, [this, watcher] {
    watcher->deleteLater();
    busy_ = false;
    const WorkResult result = watcher->result();
    emit session_->productsChanged();
    emit session_->promptsChanged();  // categories new to the project have library drafts now
    statusBar()->showMessage(result.summary);
    if (!result.issues.isEmpty()) showImportReport(result.summary, result.issues);
    emit importFinished(result.summary);
  });
  watcher->setFuture(QtConcurrent::run([=]() -> WorkResult {
    try {
      auto project = Project::open(file);
      const auto report = folder ? import_image_folder(project, source.toStdString(), folderCategory.toStdString())
                                 : import_catalog_csv(project, source.toStdString(), columns);
      const auto drafts = add_library_drafts_for_new_categories(project, kLibraryAuthor);
      WorkResult result;
      result.summary = tr("Imported %1: %2 added, %3 updated, %4 unchanged, %5 rows skipped")
                           .arg(QFileInfo(source).fileName())
                           .arg(report.added)
                           .arg(report.updated)
                           .arg(report.unchanged)
                           .arg(report.issues.size());
      QStringList drafted;
      for (const auto& draft : drafts) drafted << QString::fromStdString(draft.category);
      if (!drafted.isEmpty())
        result.summary += tr("; prompt sets drafted from the library for %1").arg(drafted.join(", "));
      for (const auto& issue : report.issues) {
        result.issues << (issue.line > 0 ? tr("line %1: %2").arg(issue.line).arg(QString::fromStdString(issue.message))
                                         : QString::fromStdString(issue.message));
      }
      return result;
    } catch (const std::exception& error) {
      return {tr("Import failed: %1").arg(QString::fromStdString(error.what())), {QString::fromStdString(error.what())}, {}};
    }
  }));
  return true;
}

void MainWindow::showImportReport(const QString& summary, const QStringList& issues) {
  // Non-modal: the merchandiser can keep it open beside the catalogue while fixing the CSV.
  auto* dialog = new QDialog(this);
  dialog->setObjectName("importReport");
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setWindowTitle(tr("Import Report"));
  auto* list = new QListWidget;
  list->setObjectName("importIssues");
  list->addItems(issues);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
  connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
  auto* layout = new QVBoxLayout(dialog);
  auto* heading = new QLabel(summary);
  heading->setWordWrap(true);
  layout->addWidget(heading);
  layout->addWidget(list, 1);
  layout->addWidget(buttons);
  dialog->resize(640, 360);
  dialog->show();
}

bool MainWindow::prepareProducts(const QStringList& productIds) {
  if (!session_->isOpen() || busy_) return false;
  const auto settings = segmentationOrMessage();
  if (!settings) return false;
  busy_ = true;
  std::vector<std::pair<std::string, std::string>> work;  // id, image
  for (const auto& product : session_->project().products().list()) {
    if (productIds.isEmpty() || productIds.contains(QString::fromStdString(product.external_id))) {
      work.emplace_back(product.external_id, product.image_path);
    }
  }
  const std::filesystem::path cache = session_->cacheDir().toStdString();
  statusBar()->showMessage(
      tr("Preparing %1…").arg(countText(static_cast<qint64>(work.size()), tr("%1 product"), tr("%1 products"))));
  auto* watcher = new ScopedFutureWatcher<WorkResult>(this);
  connect(watcher, &QFutureWatcher<WorkResult>::finished, this, [this, watcher] {
    watcher->deleteLater();
    busy_ = false;
    const WorkResult result = watcher->result();
    for (const auto& verdict : result.verdicts) record_verdict(session_->project(), verdict);
    catalogue_->updateStatuses(productStatuses(*session_));
    if (!product_->productId().isEmpty()) product_->showProduct(product_->productId());
    statusBar()->showMessage(result.summary);
    emit prepareFinished(result.summary);
  });
  watcher->setFuture(
      QtConcurrent::run([work, cache, settings = *settings] { return prepareMasks(work, cache, settings); }));
  return true;
}

bool MainWindow::showView(const QString& name) {
  if (name == "product" || name == "edges" || name == "layouts") {  // the product beside the catalogue
    tabs_->setCurrentIndex(0);
    product_->showTab(name == "product" ? "mask" : name);
    return true;
  }
  if (name == "compare") {  // the first variants side by side, masks over the outputs
    tabs_->setCurrentWidget(variants_);
    variants_->showProduct({});
    variants_->selectFirst(4);
    variants_->compare()->setLayer(CompareLayer::mask);
    return true;
  }
  if (name == "push") return showPushDialog() != nullptr;
  if (name == "evaluation") {  // the bandit dashboard's offline evaluation, started when logs are imported
    tabs_->setCurrentWidget(bandit_);
    bandit_->showEvaluationTab();
    bandit_->evaluation().evaluate();
    return true;
  }
  const int index = kViews.indexOf(name);
  if (index < 0) return false;
  tabs_->setCurrentIndex(index);
  return true;
}

bool MainWindow::selectProduct(const QString& productId) { return catalogue_->selectProduct(productId); }

void MainWindow::showProduct(const QString& productId) {
  product_->showProduct(productId);
  variants_->showProduct(productId);
}

void MainWindow::stepProduct(int delta) {
  const QStringList ids = catalogue_->shownProductIds();
  if (ids.isEmpty()) return;
  const int at = ids.indexOf(variants_->productId());
  const int next = at < 0 ? (delta > 0 ? 0 : ids.size() - 1) : std::clamp(at + delta, 0, int(ids.size()) - 1);
  if (next == at) return;
  // Selecting the product the catalogue has current already changes nothing there: show it directly.
  if (catalogue_->currentProductId() == ids[next]) {
    showProduct(ids[next]);
  } else {
    selectProduct(ids[next]);
  }
}

void MainWindow::onTabChanged() {
  const bool reviewing = tabs_->currentWidget() == variants_;
  for (QAction* action : reviewActions_) action->setEnabled(reviewing);
  if (reviewing) variants_->grid()->setFocus();  // the review keys work at once
}

PushDialog* MainWindow::showPushDialog() {
  if (!requireProject()) return nullptr;
  if (push_ == nullptr) {
    // Non-modal: its plan and publish run on workers, and the merchandiser can look at the
    // variants it lists as left out while it is open.
    push_ = new PushDialog(*session_, this);
    push_->setAttribute(Qt::WA_DeleteOnClose);
  }
  push_->show();
  push_->raise();
  return push_;
}

void MainWindow::editSettings() {
  SettingsDialog dialog(this, session_->isOpen() ? &session_->project() : nullptr);
  if (dialog.exec() != QDialog::Accepted) return;
  generation_->refreshBanner();
  prompts_->preview()->refreshBanner();
}

void MainWindow::showAbout() {
  QMessageBox::about(this, tr("About Backdrop Studio"),
                     tr("<h3>Backdrop Studio %1</h3><p>Generated backgrounds for catalogue products, "
                        "reviewed by merchandisers and personalised per user.</p>")
                         .arg(QString::fromStdString(engine_info().version)));
}

}  // namespace backdrop::ui
