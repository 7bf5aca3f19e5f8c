#include "ui/main_window.h"

#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>

#include "core/catalog/catalog.h"
#include "core/engine/engine_info.h"
#include "ui/catalogue_panel.h"
#include "ui/product_panel.h"

namespace backdrop::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setObjectName("mainWindow");
  setWindowTitle(tr("Backdrop Studio"));
  catalogue_ = new CataloguePanel;
  product_ = new ProductPanel;
  auto* splitter = new QSplitter;
  splitter->addWidget(catalogue_);
  splitter->addWidget(product_);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);
  setCentralWidget(splitter);

  buildMenus();
  connect(catalogue_, &CataloguePanel::openCatalogueRequested, this, &MainWindow::chooseCatalogue);
  connect(catalogue_, &CataloguePanel::currentProductChanged, this, &MainWindow::showProduct);

  const auto engine = engine_info();
  auto* engineLabel = new QLabel(tr("Engine %1 · libtorch %2 · %3 · %4 threads")
                                     .arg(QString::fromStdString(engine.version),
                                          QString::fromStdString(engine.torch_version),
                                          QString::fromStdString(engine.device))
                                     .arg(engine.threads));
  engineLabel->setObjectName("engineStatus");
  statusBar()->addPermanentWidget(engineLabel);
  statusBar()->showMessage(tr("Open a catalogue to begin (File › Open Catalogue…)."));
  resize(1280, 800);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open Catalogue…"), this, &MainWindow::chooseCatalogue);
  open->setShortcut(QKeySequence::Open);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About Backdrop Studio"), this, &MainWindow::showAbout);
}

void MainWindow::chooseCatalogue() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open Catalogue"), QString(), tr("Catalogue CSV (*.csv)"));
  if (!path.isEmpty()) openCatalogue(path);
}

bool MainWindow::openCatalogue(const QString& path) {
  try {
    auto catalog = std::make_unique<Catalog>(read_catalog_csv(path.toStdString()));
    catalogue_->showCatalog(*catalog);
    product_->clear();
    QString message = tr("%1 products from %2").arg(catalog->products.size()).arg(QFileInfo(path).fileName());
    if (!catalog->issues.empty()) {
      message += tr(" · %1 rows skipped").arg(catalog->issues.size());
      QStringList lines;
      for (const auto& issue : catalog->issues) {
        lines << tr("line %1: %2").arg(issue.line).arg(QString::fromStdString(issue.message));
      }
      QMessageBox::warning(this, tr("Rows skipped"),
                           tr("Some rows of %1 were skipped:\n\n%2").arg(path, lines.join('\n')));
    }
    statusBar()->showMessage(message);
    catalog_ = std::move(catalog);
    return true;
  } catch (const std::exception& error) {
    QMessageBox::critical(this, tr("Cannot open catalogue"), QString::fromStdString(error.what()));
    return false;
  }
}

void MainWindow::showProduct(const QString& productId) {
  if (!catalog_ || productId.isEmpty()) {
    product_->clear();
    return;
  }
  for (const auto& product : catalog_->products) {
    if (QString::fromStdString(product.id) == productId) {
      product_->showProduct(product);
      return;
    }
  }
  product_->clear();
}

void MainWindow::showAbout() {
  QMessageBox::about(this, tr("About Backdrop Studio"),
                     tr("<h3>Backdrop Studio %1</h3><p>Generated backgrounds for catalogue products, "
                        "reviewed by merchandisers and personalised per user.</p>")
                         .arg(QString::fromStdString(engine_info().version)));
}

}  // namespace backdrop::ui
