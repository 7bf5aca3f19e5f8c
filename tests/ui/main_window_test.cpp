#include <QtTest>

#include <QComboBox>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QStatusBar>

#include "support/test_data.h"
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
    QVERIFY(window.statusBar()->currentMessage().contains("Open a catalogue"));
  }

  void opensTheExampleCatalogueAndShowsAProduct() {
    MainWindow window;
    window.show();
    const auto csv = backdrop::test::product_data() / "catalog.csv";
    QVERIFY(window.openCatalogue(QString::fromStdString(csv.string())));
    auto* grid = window.findChild<QListView*>("productGrid");
    QVERIFY(grid->isVisible());
    QCOMPARE(grid->model()->rowCount(), 68);

    auto* filter = window.findChild<QComboBox*>("categoryFilter");
    QVERIFY(filter->count() > 2);
    filter->setCurrentText("bags");
    QVERIFY(grid->model()->rowCount() > 0);
    QVERIFY(grid->model()->rowCount() < 68);

    grid->setFocus();
    grid->setCurrentIndex(grid->model()->index(0, 0));
    auto* title = window.findChild<QLabel*>("productTitle");
    QVERIFY(title->isVisible());
    QVERIFY(!title->text().isEmpty());
    QVERIFY(!window.findChild<QLabel*>("productPhoto")->pixmap().isNull());
    QVERIFY(window.statusBar()->currentMessage().contains("68 products"));
  }
};

QTEST_MAIN(MainWindowTest)
#include "main_window_test.moc"
