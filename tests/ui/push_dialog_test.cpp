// Push to production through the real widgets on a small project made with the studio itself
// (import, approve a prompt set, generate, review with the keys): the dialog shows what ships and
// what stays out, publishes to a scratch folder on a worker and reports the version it made
// current; a cancelled publish leaves the serving version as it was.

#include <QtTest>

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenuBar>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <fstream>

#include "core/export/bundle_reader.h"
#include "core/export/publisher.h"
#include "core/store/project.h"
#include "studio_test_project.h"
#include "support/test_data.h"
#include "ui/catalogue_panel.h"
#include "ui/experiment_plan_editor.h"
#include "ui/generation_panel.h"
#include "ui/main_window.h"
#include "ui/project_session.h"
#include "ui/push_dialog.h"
#include "ui/variants_panel.h"

using backdrop::ui::MainWindow;
using backdrop::ui::PushDialog;

namespace {

std::string readCurrent(const std::filesystem::path& target) {
  std::ifstream in(target / "CURRENT");
  std::string version;
  std::getline(in, version);
  return version;
}

}  // namespace

class PushDialogTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void showsWhatShipsPublishesAndCancels() {
    const auto dir = backdrop::test::scratch_dir("studio-push-" + std::to_string(QCoreApplication::applicationPid()));
    MainWindow window;
    backdrop::test::openWithExampleCatalogue(window, dir / "push.backdrop");
    if (QTest::currentTestFailed()) return;
    backdrop::test::keepFirstPlacement(window);  // the counts below are per product and prompt

    // One category gets an approved prompt set of two prompts; two of its products are generated.
    auto& project = window.session().project();
    const QString first = window.catalogue().shownProductIds().front();
    const std::string category = project.products().find(first.toStdString())->category;
    QStringList chosen;
    for (const auto& product : project.products().list()) {
      if (product.category == category && chosen.size() < 2) chosen << QString::fromStdString(product.external_id);
    }
    QCOMPARE(chosen.size(), 2);
    QVERIFY(window.showView("prompts"));
    window.findChild<QComboBox*>("promptCategory")->setCurrentText(QString::fromStdString(category));
    QTest::mouseClick(window.findChild<QPushButton*>("addPrompt"), Qt::LeftButton);
    QTest::mouseClick(window.findChild<QPushButton*>("addPrompt"), Qt::LeftButton);
    window.findChild<QTableWidget*>("promptTable")->item(1, 0)->setText("{product} on warm linen, morning light");
    QTest::mouseClick(window.findChild<QPushButton*>("savePromptVersion"), Qt::LeftButton);
    backdrop::test::answerNextMessageBox(QMessageBox::Yes);  // Approve asks first
    QTest::mouseClick(window.findChild<QPushButton*>("approvePromptVersion"), Qt::LeftButton);
    QSignalSpy generated(&window.generation(), &backdrop::ui::GenerationPanel::jobFinished);
    QVERIFY(window.generation().start(chosen));
    QVERIFY(generated.wait(60000));

    // Review with the keys: approve two, reject one, leave one unreviewed.
    QVERIFY(window.showView("variants"));
    auto* variants = window.findChild<backdrop::ui::VariantsPanel*>("variantsPanel");
    variants->showProduct({});
    auto* grid = variants->grid();
    QTRY_COMPARE(grid->model()->rowCount(), 4);
    window.activateWindow();  // the keys are the Review menu's shortcuts; the approval's message box was active
    QVERIFY(QTest::qWaitForWindowActive(&window));
    grid->setFocus();
    grid->setCurrentIndex(grid->model()->index(0, 0));
    QTest::keyClick(grid, Qt::Key_P);
    QTest::keyClick(grid, Qt::Key_P);
    QTest::keyClick(grid, Qt::Key_X);

    // The dialog from the File menu's action would be modal; the same dialog, shown here.
    QAction* action = nullptr;
    for (QAction* candidate : window.menuBar()->findChildren<QAction*>()) {
      if (candidate->text() == "P&ush to Production…") action = candidate;
    }
    QVERIFY(action != nullptr);
    PushDialog dialog(window.session(), &window);
    QSignalSpy planned(&dialog, &PushDialog::planReady);
    dialog.show();
    QVERIFY(planned.wait(20000));
    QCOMPARE(planned.front().front().toString(), QString("Images that ship: 2 · categories: 1"));
    auto* plan = dialog.findChild<QTableWidget*>("pushPlanTable");
    QCOMPARE(plan->item(0, 0)->text(), QString::fromStdString(category));
    QCOMPARE(plan->item(0, 2)->text(), QString("2"));   // arms: the approved prompts
    QVERIFY(plan->item(0, 5)->text().endsWith(": 2"));  // both images on the one placement
    const int categories = static_cast<int>(project.products().categories().size());
    QCOMPARE(plan->rowCount(), categories);  // the others are listed as left out
    const QString exclusions = dialog.findChild<QLabel*>("pushExclusions")->text();
    QVERIFY2(exclusions.contains("1 rejected") && exclusions.contains("1 unreviewed"), qPrintable(exclusions));

    // Publish to a scratch folder: the version the dialog reports is the one CURRENT names.
    auto* publish = dialog.findChild<QPushButton*>("pushPublish");
    dialog.findChild<QLineEdit*>("pushTarget")->clear();  // whatever an earlier run remembered
    QVERIFY(!publish->isEnabled());                       // no target
    const auto target = dir / "production";
    dialog.findChild<QLineEdit*>("pushTarget")->setText(backdrop::test::qpath(target));
    QVERIFY(publish->isEnabled());
    QSignalSpy published(&dialog, &PushDialog::published);
    QTest::mouseClick(publish, Qt::LeftButton);
    QVERIFY(dialog.isPublishing());
    QVERIFY(!publish->isEnabled());
    QVERIFY(published.wait(30000));
    const QString result = published.front().front().toString();
    QVERIFY2(result.startsWith("published "), qPrintable(result));
    const std::string version = readCurrent(target);
    QVERIFY(!version.empty());
    QVERIFY(result.contains(QString::fromStdString(version)));
    QVERIFY(result.contains(", 2 images"));
    QVERIFY(std::filesystem::exists(target / "versions" / version / "manifest.json"));
    QVERIFY(dialog.findChild<QLabel*>("pushServingVersion")->text().contains(QString::fromStdString(version)));
    QCOMPARE(backdrop::exporting::list_versions(target).size(), size_t{1});

    // Cancel straight after Publish: the worker stops at its next step and nothing switches. A
    // two-image publish can finish before the click on Cancel lands (under load, or on a fast
    // disk); the dialog then reports what happened on disk, and so must the target. Holding the
    // worker back is not possible from here: Qt's raster painting shares the global thread pool.
    published.clear();
    QTest::mouseClick(publish, Qt::LeftButton);
    QTest::mouseClick(dialog.findChild<QPushButton*>("pushCancel"), Qt::LeftButton);
    QVERIFY(published.wait(30000));
    const QString outcome = published.front().front().toString();
    if (outcome.startsWith("published ")) {
      // The same content published within the same second has the same version name.
      const std::string current = readCurrent(target);
      QVERIFY2(outcome.contains(QString::fromStdString(current)), qPrintable(outcome));
      QCOMPARE(backdrop::exporting::list_versions(target).size(), current == version ? size_t{1} : size_t{2});
    } else {
      QVERIFY2(outcome.startsWith("cancelled"), qPrintable(outcome));
      QCOMPARE(readCurrent(target), version);
      QCOMPARE(backdrop::exporting::list_versions(target).size(), size_t{1});
    }
    QVERIFY(publish->isEnabled());

    // An online experiment set in the dialog: a bad share blocks the publish and says why; a good
    // plan shows per category and ships in the bundle with its groups' images.
    using backdrop::experiment::GroupKind;
    auto* editor = dialog.experimentEditor();
    auto* status = dialog.findChild<QLabel*>("experimentStatus");
    editor->setChecked(true);
    dialog.findChild<QLineEdit*>("experimentCategory")->setText(QString::fromStdString(category));
    dialog.findChild<QLineEdit*>("experimentId")->setText("studio-exp");
    editor->setGroups({{"original", GroupKind::original, 0.2, ""},
                       {"random", GroupKind::random_prompt, 0.2, ""},
                       {"personalised", GroupKind::personalised, 0.5, ""}});
    QVERIFY(!publish->isEnabled());
    QVERIFY2(status->text().contains("the shares sum to 0.9"), qPrintable(status->text()));
    editor->setGroups({{"original", GroupKind::original, 0.2, ""},
                       {"random", GroupKind::random_prompt, 0.2, ""},
                       {"personalised", GroupKind::personalised, 0.6, ""}});
    QVERIFY(publish->isEnabled());
    QVERIFY2(plan->item(0, 7)->text().startsWith("studio-exp on " + QString::fromStdString(category)),
             qPrintable(plan->item(0, 7)->text()));
    dialog.findChild<QTabWidget*>("pushTabs")->setCurrentIndex(1);
    const auto screenshot = dir / "push-experiment.png";
    QVERIFY(dialog.grab().save(backdrop::test::qpath(screenshot)));
    qInfo("screenshot: %s", screenshot.string().c_str());
    published.clear();
    QTest::mouseClick(publish, Qt::LeftButton);
    QVERIFY(published.wait(60000));
    QVERIFY2(published.front().front().toString().startsWith("published "),
             qPrintable(published.front().front().toString()));
    const auto bundle = backdrop::exporting::load_bundle(target / "versions" / readCurrent(target));
    const auto& shipped = bundle.categories.at(category);
    QVERIFY(shipped.experiment.has_value());
    QCOMPARE(shipped.experiment->id, std::string("studio-exp"));
    QCOMPARE(shipped.experiment->control, std::string("original"));
    QCOMPARE(shipped.group_images.at("original").size(), shipped.images.size());  // every product that ships
  }
};

QTEST_MAIN(PushDialogTest)
#include "push_dialog_test.moc"
