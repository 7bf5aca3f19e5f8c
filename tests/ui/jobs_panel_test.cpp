// The Generate tab's jobs list is the project's: after reopening, every job is listed with its
// state and the counts in the store (a job the closed Studio was running stays active, to be
// resumed); a paused job can be cancelled (and its unmade variants are then not taken up again);
// a job's failed variants are listed with their reasons, and Retry Failed makes them. With BACKDROP_SCREENSHOT_DIR set,
// the list after reopening is saved there as jobs-after-reopen.png.

#include <QtTest>

#include <QDir>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>

#include "core/generation/jobs_overview.h"
#include "core/generation/jobs_plan.h"
#include "core/generation/jobs_sqlite_queue.h"
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

enum Column { kName, kBar, kState, kDone, kFailed, kPending, kTotal };

QPushButton* button(MainWindow& window, const char* name) {
  return window.findChild<QPushButton*>(name);
}

int rowOf(QTableWidget* jobs, const QString& name) {
  for (int row = 0; row < jobs->rowCount(); ++row) {
    if (jobs->item(row, kName)->text() == name) return row;
  }
  return -1;
}

QString text(QTableWidget* table, int row, int column) {
  return row >= 0 && table->item(row, column) ? table->item(row, column)->text() : QString("(no row)");
}

// The row `name` shows the store's state word and counts.
void expectRow(QTableWidget* jobs, const std::string& name, const QString& state, const backdrop::JobProgress& stored) {
  const int row = rowOf(jobs, QString::fromStdString(name));
  QVERIFY2(row >= 0, name.c_str());
  QCOMPARE(text(jobs, row, kState), state);
  QCOMPARE(text(jobs, row, kDone), QString::number(stored.done));
  QCOMPARE(text(jobs, row, kFailed), QString::number(stored.failed));
  QCOMPARE(text(jobs, row, kPending), QString::number(stored.pending + stored.claimed));
  QCOMPARE(text(jobs, row, kTotal), QString::number(stored.total()));
}

}  // namespace

class JobsPanelTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void jobsSurviveReopeningAndCanBeCancelledAndRetried() {
    file_ = backdrop::test::scratch_dir("studio-jobs-panel") / "jobs.backdrop";
    {
      MainWindow window;
      backdrop::test::openWithExampleCatalogue(window, file_);
      if (QTest::currentTestFailed()) return;
      backdrop::test::keepFirstPlacement(window);
      backdrop::prepare_unprepared_products(window.session().project());  // unhurried, before any timed wait
      QVERIFY(window.showView("queue"));
      runAndFailTwo(window);
      if (QTest::currentTestFailed()) return;
      pauseThenCancel(window);
      if (QTest::currentTestFailed()) return;
      startAndClose(window);
      if (QTest::currentTestFailed()) return;
      planWithoutRunning(window);
    }
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openProject(backdrop::test::qpath(file_)));
    QVERIFY(window.showView("queue"));
    checkListAfterReopening(window);
    if (QTest::currentTestFailed()) return;
    const QString folder = qEnvironmentVariable("BACKDROP_SCREENSHOT_DIR");
    if (!folder.isEmpty()) QVERIFY(window.grab().save(QDir(folder).filePath("jobs-after-reopen.png"), "PNG"));
    retryTheFailed(window);
    if (QTest::currentTestFailed()) return;
    cancelThePlanned(window);
    // A job that a CLI queues while the Studio is open appears without any click.
    backdrop::SqliteJobQueue(file_, "cli-later").submit({});
    QTRY_COMPARE_WITH_TIMEOUT(window.findChild<QTableWidget*>("jobTable")->rowCount(), 5, 10000);
  }

 private:
  // Generates 2 seeds of 3 products, then records 2 of the 6 tasks as failed, as a renderer error
  // would (the studio backdrop renderer does not fail on the example photos).
  void runAndFailTwo(MainWindow& window) {
    auto& generation = window.generation();
    window.findChild<QSpinBox*>("seedCount")->setValue(2);
    QSignalSpy finished(&generation, &GenerationPanel::jobFinished);
    QVERIFY(generation.start(window.catalogue().shownProductIds().mid(0, 3)));
    QVERIFY(finished.wait(60000));
    const auto jobs = backdrop::job_overviews(window.session().project());
    QCOMPARE(jobs.size(), std::size_t{1});
    QCOMPARE(jobs[0].progress.done, int64_t{6});
    window.session().project().database().exec(
        "UPDATE job_tasks SET state = 'failed', error = 'out of GPU memory (task ' || id || ')' WHERE id IN "
        "(SELECT id FROM job_tasks ORDER BY id LIMIT 2)",
        "fail two tasks");
    finishedJob_ = jobs[0].name;
  }

  // Every product with 16 seeds, paused as soon as it is queued, then cancelled while paused.
  void pauseThenCancel(MainWindow& window) {
    auto& generation = window.generation();
    window.findChild<QSpinBox*>("seedCount")->setValue(16);
    QSignalSpy finished(&generation, &GenerationPanel::jobFinished);
    QVERIFY(generation.start(window.catalogue().shownProductIds()));
    auto* pause = button(window, "pauseGeneration");
    QTRY_VERIFY_WITH_TIMEOUT(pause->isEnabled(), 20000);
    QTest::mouseClick(pause, Qt::LeftButton);
    QVERIFY(finished.wait(30000));
    QVERIFY2(finished.back().front().toString().startsWith("paused"), qPrintable(finished.back().front().toString()));
    resumeCountsOnFromTheStore(window);
    if (QTest::currentTestFailed()) return;
    auto* cancel = button(window, "cancelGeneration");
    QVERIFY(cancel->isEnabled());  // a paused job can be cancelled
    QCOMPARE(pause->text(), QString("Resume"));
    QTest::mouseClick(cancel, Qt::LeftButton);
    QVERIFY(!cancel->isEnabled());
    QVERIFY(!pause->isEnabled());  // nothing resumes a cancelled job
    const auto jobs = backdrop::job_overviews(window.session().project());
    QCOMPARE(jobs.size(), std::size_t{2});
    QVERIFY(jobs[1].progress.state == backdrop::JobState::cancelled);
    QVERIFY2(jobs[1].progress.pending > 0, "the job was paused before its last variant");
    cancelledJob_ = jobs[1].name;
  }

  // Resume shows the job's counts from the store at once (not from zero), then Pause stops it again.
  void resumeCountsOnFromTheStore(MainWindow& window) {
    auto& generation = window.generation();
    const auto atPause = backdrop::job_overviews(window.session().project()).back().progress;
    QVERIFY(atPause.done > 0);
    auto* pause = button(window, "pauseGeneration");
    auto* overall = window.findChild<QProgressBar*>("overallProgress");
    QSignalSpy finished(&generation, &GenerationPanel::jobFinished);
    QTest::mouseClick(pause, Qt::LeftButton);  // Resume
    QCOMPARE(pause->text(), QString("Pause"));
    auto* jobs = window.findChild<QTableWidget*>("jobTable");
    QVERIFY(text(jobs, jobs->rowCount() - 1, kDone).toLongLong() >= atPause.done);  // the row is the store's
    QTRY_VERIFY_WITH_TIMEOUT(overall->maximum() > 1, 20000);  // the run has read the job from the store
    QVERIFY2(overall->value() >= atPause.done * 100, qPrintable(QString::number(overall->value())));
    QCOMPARE(overall->maximum(), static_cast<int>(atPause.total() * 100));
    QTRY_VERIFY_WITH_TIMEOUT(pause->isEnabled(), 20000);
    QTest::mouseClick(pause, Qt::LeftButton);
    QVERIFY(finished.wait(30000));
    QVERIFY2(finished.back().front().toString().startsWith("paused"), qPrintable(finished.back().front().toString()));
  }

  // A job still running when the Studio closes: its run stops, the job stays active to be resumed.
  void startAndClose(MainWindow& window) {
    auto& generation = window.generation();
    QVERIFY(generation.start(window.catalogue().shownProductIds()));                  // 16 seeds, as before
    QTRY_VERIFY_WITH_TIMEOUT(button(window, "pauseGeneration")->isEnabled(), 20000);  // it is in the store
    interruptedJob_ = backdrop::job_overviews(window.session().project()).back().name;
  }

  // A job queued by `backdrop project jobs run --submit-only` that nobody has run yet.
  void planWithoutRunning(MainWindow& window) {
    backdrop::GenerationSettings settings;
    // A product generated before: its mask is known good, so planning does not hold it back.
    settings.products = {window.session().project().variants().list().front().product_external_id};
    const auto variants = backdrop::plan_variants(window.session().project(), settings);
    QVERIFY2(!variants.empty(), settings.products.front().c_str());
    backdrop::SqliteJobQueue(file_, plannedJob_).submit(variants);
  }

  void checkListAfterReopening(MainWindow& window) {
    auto* jobs = window.findChild<QTableWidget*>("jobTable");
    QCOMPARE(jobs->rowCount(), 4);
    const auto stored = backdrop::job_overviews(window.session().project());
    QCOMPARE(stored.size(), std::size_t{4});
    expectRow(jobs, finishedJob_, "finished", stored[0].progress);
    QCOMPARE(text(jobs, rowOf(jobs, QString::fromStdString(finishedJob_)), kFailed), QString("2"));
    expectRow(jobs, cancelledJob_, "cancelled", stored[1].progress);
    expectRow(jobs, interruptedJob_, "active, not running here", stored[2].progress);
    QVERIFY(stored[2].progress.pending > 0);
    expectRow(jobs, plannedJob_, "active, not running here", stored[3].progress);
    // The newest job is selected: it can be resumed here or cancelled.
    QCOMPARE(button(window, "pauseGeneration")->text(), QString("Resume"));
    QVERIFY(button(window, "pauseGeneration")->isEnabled());
    QVERIFY(button(window, "cancelGeneration")->isEnabled());
    QVERIFY(!button(window, "retryFailed")->isEnabled());
    jobs->selectRow(rowOf(jobs, QString::fromStdString(cancelledJob_)));
    QVERIFY(!button(window, "pauseGeneration")->isEnabled());
    QVERIFY(!button(window, "cancelGeneration")->isEnabled());
    jobs->selectRow(rowOf(jobs, QString::fromStdString(finishedJob_)));
    auto* failures = window.findChild<QTableWidget*>("failedTasks");
    QCOMPARE(failures->rowCount(), 2);
    const auto failed = backdrop::failed_tasks(window.session().project(), finishedJob_);
    for (int row = 0; row < 2; ++row) {
      const auto& task = failed[static_cast<std::size_t>(row)];
      QCOMPARE(text(failures, row, 0), QString::fromStdString(task.inputs.product_id));
      QCOMPARE(text(failures, row, 4), QString("out of GPU memory (task %1)").arg(task.id));
    }
    QVERIFY(button(window, "retryFailed")->isEnabled());
  }

  // Retry Failed queues the two again and runs them here: the job ends with all six done.
  void retryTheFailed(MainWindow& window) {
    auto& generation = window.generation();
    QSignalSpy finished(&generation, &GenerationPanel::jobFinished);
    QTest::mouseClick(button(window, "retryFailed"), Qt::LeftButton);
    // Their images are in the cache already, so the run may be over before the click returns.
    QVERIFY2(!finished.isEmpty() || finished.wait(60000),
             qPrintable(window.findChild<QLabel*>("generationEta")->text()));
    QCOMPARE(finished.back().front().toString(), QString("finished: 0 rendered, 2 reused, 0 failed"));
    auto* jobs = window.findChild<QTableWidget*>("jobTable");
    const auto stored = backdrop::job_overviews(window.session().project());
    QCOMPARE(stored[0].progress.done, int64_t{6});
    QCOMPARE(stored[0].progress.failed, int64_t{0});
    expectRow(jobs, finishedJob_, "finished", stored[0].progress);
    QCOMPARE(window.findChild<QTableWidget*>("failedTasks")->rowCount(), 0);
  }

  // Cancelling a job that is not running here cancels it in the store.
  void cancelThePlanned(MainWindow& window) {
    auto* jobs = window.findChild<QTableWidget*>("jobTable");
    jobs->selectRow(rowOf(jobs, QString::fromStdString(plannedJob_)));
    QTest::mouseClick(button(window, "cancelGeneration"), Qt::LeftButton);
    const auto stored = backdrop::job_overviews(window.session().project());
    QVERIFY(stored[3].progress.state == backdrop::JobState::cancelled);
    expectRow(jobs, plannedJob_, "cancelled", stored[3].progress);
  }

  std::filesystem::path file_;
  std::string finishedJob_;
  std::string cancelledJob_;
  std::string interruptedJob_;
  const std::string plannedJob_ = "cli-planned";
};

QTEST_MAIN(JobsPanelTest)
#include "jobs_panel_test.moc"
