#include <QtTest>

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QStatusBar>

#include "ui/main_window.h"

using backdrop::ui::MainWindow;

class MainWindowTest : public QObject {
  Q_OBJECT

 private slots:
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
