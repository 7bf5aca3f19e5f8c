// Importing a catalogue from a folder of images through the File menu, its folder dialog and the
// import dialog, on the real widgets: every image of the folder becomes a product of the chosen
// category.

#include <QtTest>

#include <QDir>
#include <QFileDialog>
#include <QLineEdit>
#include <QMenuBar>
#include <QTableWidget>

#include "core/store/project.h"
#include "support/test_data.h"
#include "ui/catalogue_panel.h"
#include "ui/import_dialog.h"
#include "ui/main_window.h"
#include "ui/project_session.h"

using backdrop::ui::MainWindow;

namespace {

QString path(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

QAction* menuAction(MainWindow& window, const QString& text) {
  for (QAction* action : window.menuBar()->findChildren<QAction*>()) {
    if (action->text() == text) return action;
  }
  return nullptr;
}

}  // namespace

class FolderImportTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void importsAFolderOfImagesThroughTheMenu() {
    const auto dir = backdrop::test::scratch_dir("studio-folder-import");
    const QString folder = path(backdrop::test::product_data());
    const int images =
        QDir(folder).entryList({"*.jpg", "*.jpeg", "*.png", "*.webp", "*.bmp", "*.tif", "*.tiff"}, QDir::Files).size();
    QVERIFY(images > 0);
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.createProject(path(dir / "folder.backdrop")));

    // The folder dialog, then the import dialog, are modal: answer them when they open.
    bool answeredFolder = false, answeredImport = false;
    int previewRows = -1;
    QTimer answer;
    answer.setInterval(50);
    connect(&answer, &QTimer::timeout, this, [&] {
      QWidget* modal = QApplication::activeModalWidget();
      if (auto* dialog = qobject_cast<QFileDialog*>(modal); dialog && !answeredFolder) {
        answeredFolder = true;
        dialog->setDirectory(QFileInfo(folder).absoluteFilePath());  // Choose takes the folder shown
        static_cast<QDialog*>(dialog)->accept();  // QFileDialog::accept, as the Choose button does
      } else if (auto* import = qobject_cast<backdrop::ui::ImportDialog*>(modal); import && !answeredImport) {
        answeredImport = true;
        previewRows = import->findChild<QTableWidget*>("importPreview")->rowCount();
        import->findChild<QLineEdit*>("folderCategory")->setText("studio shots");
        import->accept();
      }
    });
    answer.start();
    QSignalSpy imported(&window, &MainWindow::importFinished);
    QAction* importFolder = menuAction(window, "Import Image &Folder…");
    QVERIFY(importFolder != nullptr);
    importFolder->trigger();  // returns once both dialogs are answered; the import runs on a worker
    answer.stop();
    QVERIFY(answeredFolder);
    QVERIFY(answeredImport);
    QCOMPARE(previewRows, images);
    QVERIFY(imported.wait(30000));

    auto& project = window.session().project();
    QCOMPARE(static_cast<int>(project.products().count()), images);
    QCOMPARE(window.catalogue().shownProductIds().size(), images);
    for (const auto& product : project.products().list()) QCOMPARE(product.category, std::string("studio shots"));
  }
};

QTEST_MAIN(FolderImportTest)
#include "folder_import_test.moc"
