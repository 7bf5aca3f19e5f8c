// The generation queue's Pause/Resume and Cancel buttons on the real widgets, checked against
// the project file: a paused job does not advance and resumes where it stopped; a cancelled job
// ends cancelled and makes nothing more.

#include <QtTest>

#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>

#include "core/preparation/unprepared_products.h"
#include "core/store/project.h"
#include "studio_test_project.h"
#include "support/test_data.h"
#include "ui/catalogue_panel.h"
#include "ui/generation_panel.h"
#include "ui/main_window.h"
#include "ui/project_session.h"

using backdrop::ui::GenerationPanel;
using backdrop::ui::MainWindow;

namespace {

int64_t variantsOf(MainWindow& window, const QStringList& productIds) {
  int64_t count = 0;
  for (const QString& id : productIds) {
    count += static_cast<int64_t>(window.session().project().variants().list_for_product(id.toStdString()).size());
  }
  return count;
}

}  // namespace

class QueueControlsTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void pausedJobDoesNotAdvanceAndResumes() {
    MainWindow window;
    backdrop::test::openWithExampleCatalogue(window, backdrop::test::scratch_dir("studio-pause") / "queue.backdrop");
    if (QTest::currentTestFailed()) return;
    // Prepared here, unhurried: the bounded wait below is for the job being queued, not for the
    // masks of every product (seconds in a release build, over 20 s under ThreadSanitizer).
    backdrop::prepare_unprepared_products(window.session().project());
    QVERIFY(window.showView("queue"));
    auto& generation = window.generation();
    // Enough variants (every product x 16 seeds) that the job is still running when Pause lands.
    const QStringList products = window.catalogue().shownProductIds();
    window.findChild<QSpinBox*>("seedCount")->setValue(16);
    const int64_t total = products.size() * 16;  // one prompt and one placement per product
    auto* pause = window.findChild<QPushButton*>("pauseGeneration");
    auto* overall = window.findChild<QProgressBar*>("overallProgress");
    QSignalSpy finished(&generation, &GenerationPanel::jobFinished);
    QVERIFY(generation.start(products));

    // Pause as soon as the job is queued: it stops once the tasks in flight are finished.
    QTRY_VERIFY_WITH_TIMEOUT(pause->isEnabled(), 20000);
    QTest::mouseClick(pause, Qt::LeftButton);
    QCOMPARE(pause->text(), QString("Resume"));
    QVERIFY(finished.wait(20000));
    QVERIFY2(finished.back().front().toString().startsWith("paused"), qPrintable(finished.back().front().toString()));
    const int64_t atPause = variantsOf(window, products);
    QVERIFY2(atPause < total, qPrintable(QString::number(atPause)));
    const int shown = overall->value();
    QTest::qWait(1000);  // nothing runs while paused
    QCOMPARE(variantsOf(window, products), atPause);
    QCOMPARE(overall->value(), shown);
    QVERIFY(!generation.isRunning());

    // Resume: the same job goes on from where it stopped; then Cancel ends it.
    QVERIFY(pause->isEnabled());
    QTest::mouseClick(pause, Qt::LeftButton);
    QCOMPARE(pause->text(), QString("Pause"));
    QTRY_VERIFY_WITH_TIMEOUT(overall->value() > shown, 20000);
    QTest::mouseClick(window.findChild<QPushButton*>("cancelGeneration"), Qt::LeftButton);
    QVERIFY(finished.wait(20000));
    QVERIFY2(finished.back().front().toString().startsWith("cancelled"), qPrintable(finished.back().front().toString()));
    const int64_t atCancel = variantsOf(window, products);
    QVERIFY2(atCancel > atPause && atCancel < total, qPrintable(QString::number(atCancel)));
  }

  void cancelledJobEndsCancelled() {
    MainWindow window;
    backdrop::test::openWithExampleCatalogue(window, backdrop::test::scratch_dir("studio-cancel") / "queue.backdrop");
    if (QTest::currentTestFailed()) return;
    QVERIFY(window.showView("queue"));
    auto& generation = window.generation();
    const QStringList products = window.catalogue().shownProductIds();
    window.findChild<QSpinBox*>("seedCount")->setValue(4);
    const int64_t total = products.size() * 4;
    auto* cancel = window.findChild<QPushButton*>("cancelGeneration");
    QSignalSpy finished(&generation, &GenerationPanel::jobFinished);
    QVERIFY(generation.start(products));
    QVERIFY(cancel->isEnabled());
    QTest::mouseClick(cancel, Qt::LeftButton);  // at once, while the job is being planned
    QVERIFY(finished.wait(20000));
    const QString summary = finished.back().front().toString();
    QVERIFY2(summary.startsWith("cancelled"), qPrintable(summary));
    auto* jobs = window.findChild<QTableWidget*>("jobTable");
    QVERIFY(jobs->item(jobs->rowCount() - 1, 2)->text().startsWith("cancelled"));
    const int64_t atCancel = variantsOf(window, products);
    QVERIFY2(atCancel < total, qPrintable(QString::number(atCancel)));
    QTest::qWait(1000);
    QCOMPARE(variantsOf(window, products), atCancel);
    QVERIFY(!generation.isRunning());
    QVERIFY(!cancel->isEnabled());
    QVERIFY(window.findChild<QPushButton*>("startGeneration")->isEnabled());
  }
};

QTEST_MAIN(QueueControlsTest)
#include "queue_controls_test.moc"
