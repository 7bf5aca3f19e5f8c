#include <QtTest>

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QStandardPaths>
#include <QStatusBar>

#include "support/test_data.h"
#include "ui/main_window.h"

using backdrop::ui::MainWindow;

class MainWindowTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }  // recent projects: not the user's

  void startsWithEmptyStatesThatSayWhatToDo() {
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.findChild<QWidget*>("cataloguePanel") != nullptr);
    QVERIFY(window.findChild<QWidget*>("productPanel") != nullptr);
    QVERIFY(window.findChild<QWidget*>("catalogueEmptyState")->isVisible());
    QVERIFY(window.findChild<QPushButton*>("openCatalogueButton")->isVisible());
    QVERIFY(window.findChild<QLabel*>("productEmptyState")->isVisible());
    QVERIFY(window.findChild<QLabel*>("engineStatus")->text().contains("libtorch"));
    QVERIFY(window.statusBar()->currentMessage().contains("Create or open a project"));
    auto* hint = window.findChild<QLabel*>("catalogueEmptyHint");
    QVERIFY(hint->text().startsWith("Create or open a project"));

    // A new project: the empty state speaks of the next step, and the count reads as English.
    QVERIFY(window.createProject(
        QString::fromStdString((backdrop::test::scratch_dir("main-window") / "p.backdrop").string())));
    QVERIFY(window.findChild<QWidget*>("catalogueEmptyState")->isVisible());
    QVERIFY2(hint->text().startsWith("This project has no products yet. Import a catalogue"), qPrintable(hint->text()));
    QVERIFY2(window.statusBar()->currentMessage().endsWith("p.backdrop · 0 products"),
             qPrintable(window.statusBar()->currentMessage()));
  }

  void everyViewCanBeShownWithoutAProject() {
    MainWindow window;
    window.show();
    for (const QString view : {"catalogue", "product", "variants", "compare", "prompts", "queue", "bandit", "evaluation"}) {
      QVERIFY2(window.showView(view), qPrintable(view));
    }
    QVERIFY(!window.showView("no-such-view"));
    // Without weights configured the queue says that studio backdrops are made instead.
    QVERIFY(window.findChild<QLabel*>("noWeightsBanner")->text().contains("Studio-backdrop variants"));
  }
};

QTEST_MAIN(MainWindowTest)
#include "main_window_test.moc"
