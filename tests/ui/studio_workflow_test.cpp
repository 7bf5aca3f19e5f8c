// The merchandiser's main flow through the real widgets: create a project, import the example
// catalogue, prepare, fix a mask, adjust a Canny threshold, approve a prompt set, generate
// studio-backdrop variants, review them with the culling keys, undo, flag an artifact — then read
// the project file back and check that every step is in it.

#include <QtTest>

#include <QComboBox>
#include <QIcon>
#include <QLabel>
#include <QListWidget>
#include <QListView>
#include <QMenu>
#include <QPushButton>
#include <QSlider>
#include <QTableWidget>
#include <QUndoStack>

#include "core/common/login_name.h"
#include "core/imaging/product_segmentation.h"
#include "core/store/project.h"
#include "studio_test_project.h"
#include "support/test_data.h"
#include "ui/catalogue_panel.h"
#include "ui/generation_panel.h"
#include "ui/import_dialog.h"
#include "ui/main_window.h"
#include "ui/mask_editor.h"
#include "ui/project_session.h"
#include "ui/roles.h"

using backdrop::ui::MainWindow;

namespace {

QString path(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

backdrop::VariantStatus statusOf(backdrop::Project& project, int64_t id) { return project.variants().find(id)->status; }

}  // namespace

class StudioWorkflowTest : public QObject {
  Q_OBJECT

 private slots:
  void importPreviewMapsTheCatalogueColumns() {
    backdrop::ui::ImportDialog dialog(path(backdrop::test::product_data() / "catalog.csv"));
    auto* preview = dialog.findChild<QTableWidget*>("importPreview");
    QCOMPARE(preview->rowCount(), 8);
    QCOMPARE(preview->item(0, 0)->text(), QString("p001"));
    QCOMPARE(preview->item(0, 1)->text(), QString("apparel"));
    QCOMPARE(dialog.columns().image, std::string("image"));
    // Mapping the title column to the image column shows it at once.
    dialog.findChild<QComboBox*>("mappingTitle")->setCurrentText("image");
    QVERIFY(preview->item(0, 2)->text().endsWith(".jpg"));
  }

  void mainFlowEndsUpInTheProjectFile() {
    const auto dir = backdrop::test::scratch_dir("studio-workflow");
    const QString file = path(dir / "shop.backdrop");
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.createProject(file));

    // Import: the good rows become products, the bad rows are reported with line numbers.
    QSignalSpy imported(&window, &MainWindow::importFinished);
    QVERIFY(window.importCatalogue(path(backdrop::test::product_data() / "catalog.csv")));
    QVERIFY(imported.wait(30000));
    const int products = static_cast<int>(window.session().project().products().count());
    QVERIFY(products > 10);
    auto* grid = window.findChild<QListView*>("productGrid");
    QCOMPARE(grid->model()->rowCount(), products);
    if (auto* report = window.findChild<QDialog*>("importReport")) {
      QVERIFY(report->findChild<QListWidget*>("importIssues")->item(0)->text().startsWith("line "));
    }

    // Keyboard navigation in the grid.
    const QStringList ids = window.catalogue().shownProductIds();
    QVERIFY(window.selectProduct(ids[0]));
    grid->setFocus();
    QTest::keyClick(grid, Qt::Key_Right);
    QCOMPARE(window.catalogue().currentProductId(), ids[1]);

    // Prepare two products: their masks are saved and their badges say so.
    const QStringList chosen{ids[0], ids[1]};
    QSignalSpy prepared(&window, &MainWindow::prepareFinished);
    QVERIFY(window.prepareProducts(chosen));
    QVERIFY(prepared.wait(30000));
    const auto cache = backdrop::project_cache_dir(file.toStdString());
    QVERIFY(std::filesystem::exists(backdrop::imaging::product_mask_path(cache, ids[0].toStdString())));
    QVERIFY(grid->model()->index(0, 0).data().toString().contains("prepared"));

    // Product view: the mask is loaded, the brush erases part of it, Save writes it.
    QVERIFY(window.selectProduct(ids[0]));
    auto* details = window.findChild<QLabel*>("productDetails");
    QTRY_VERIFY_WITH_TIMEOUT(details->text().contains("mask confidence"), 20000);
    auto* mask = window.findChild<backdrop::ui::MaskEditor*>("maskEditor");
    const auto maskFile = backdrop::imaging::product_mask_path(cache, ids[0].toStdString());
    const auto before = std::filesystem::file_size(maskFile);
    window.findChild<QSlider*>("brushSize")->setValue(60);
    QTest::mouseClick(mask, Qt::RightButton, {}, mask->rect().center());
    QVERIFY(mask->isModified());
    QTest::mouseClick(window.findChild<QPushButton*>("saveMaskButton"), Qt::LeftButton);
    QVERIFY(!mask->isModified());
    QVERIFY(std::filesystem::file_size(maskFile) != before);

    // Edges: a key press on the Canny slider recomputes the edge map with the new threshold.
    auto* low = window.findChild<QSlider*>("cannyLow");
    auto* high = window.findChild<QSlider*>("cannyHigh");
    high->setValue(200);
    low->setValue(40);
    low->setFocus();
    QTest::keyClick(low, Qt::Key_PageUp);
    QCOMPARE(low->value(), 40 + low->pageStep());
    auto* edges = window.findChild<QLabel*>("edgeMap");
    QTRY_COMPARE_WITH_TIMEOUT(edges->property("low").toDouble(), double(low->value()), 10000);
    QVERIFY(!edges->pixmap().isNull());

    // Prompts: two prompts with colours for the product's category, saved and approved.
    QVERIFY(window.showView("prompts"));
    const QString category = QString::fromStdString(window.session().project().products().find(ids[0].toStdString())->category);
    window.findChild<QComboBox*>("promptCategory")->setCurrentText(category);
    auto* add = window.findChild<QPushButton*>("addPrompt");
    QTest::mouseClick(add, Qt::LeftButton);
    QTest::mouseClick(add, Qt::LeftButton);
    auto* table = window.findChild<QTableWidget*>("promptTable");
    table->item(0, 2)->setText("#dfe8f0");
    table->item(1, 2)->setText("#f0e0d0");
    QTest::mouseClick(window.findChild<QPushButton*>("savePromptVersion"), Qt::LeftButton);
    // Approve asks first, naming the version, the category and who approves; Cancel changes nothing.
    auto asked = backdrop::test::answerNextMessageBox(QMessageBox::Cancel);
    QTest::mouseClick(window.findChild<QPushButton*>("approvePromptVersion"), Qt::LeftButton);
    QVERIFY2(asked->contains(QString("Approve version 1 of %1 (2 prompts)").arg(category)), qPrintable(*asked));
    QVERIFY(asked->contains(QString::fromStdString(backdrop::login_name())));
    QVERIFY(!window.session().project().prompts().latest_approved(category.toStdString()));
    backdrop::test::answerNextMessageBox(QMessageBox::Yes);
    QTest::mouseClick(window.findChild<QPushButton*>("approvePromptVersion"), Qt::LeftButton);
    QVERIFY(window.findChild<QLabel*>("promptStatus")
                ->text()
                .startsWith(QString("Approved version 1 for %1 as ").arg(category)));
    const auto approvedSet = window.session().project().prompts().latest_approved(category.toStdString());
    QVERIFY(approvedSet.has_value());
    // Recorded with who approved it (the login name, as the CLI's default) and shown with the version.
    QCOMPARE(approvedSet->reviewed_by, backdrop::login_name());
    const QString approvedBy = window.findChild<QListWidget*>("promptVersions")->item(0)->toolTip();
    QVERIFY2(approvedBy.startsWith(QString("approved by %1 at ").arg(QString::fromStdString(backdrop::login_name()))),
             qPrintable(approvedBy));

    // Generate for the product: one variant per approved prompt and project placement (the seven
    // ad placements a new project starts with), appearing in the variants grid.
    const int placements = static_cast<int>(window.session().project().placements().list().size());
    QCOMPARE(placements, 7);
    QSignalSpy finished(&window.generation(), &backdrop::ui::GenerationPanel::jobFinished);
    QVERIFY(window.generation().start({ids[0]}));
    QVERIFY(finished.wait(60000));
    QVERIFY2(finished.front().front().toString().startsWith("finished"), qPrintable(finished.front().front().toString()));
    QVERIFY(window.showView("variants"));
    QVERIFY(window.selectProduct(ids[0]));
    auto* variants = window.findChild<QListView*>("variantGrid");
    QTRY_COMPARE(variants->model()->rowCount(), 2 * placements);

    // Review keys (the Review menu's shortcuts, which need the window active as a person's typing
    // has it; the approval's message box took the activation): P approves and advances, X rejects,
    // undo restores, stars, A + reason flags.
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    variants->setFocus();
    variants->setCurrentIndex(variants->model()->index(0, 0));
    // A selected thumbnail keeps its colours (no highlight tint over the image being judged).
    const auto icon = variants->model()->index(0, 0).data(Qt::DecorationRole).value<QIcon>();
    QCOMPARE(icon.pixmap(variants->iconSize(), QIcon::Selected).toImage(),
             icon.pixmap(variants->iconSize(), QIcon::Normal).toImage());
    const int64_t first = variants->model()->index(0, 0).data(backdrop::ui::kVariantIdRole).toLongLong();
    const int64_t second = variants->model()->index(1, 0).data(backdrop::ui::kVariantIdRole).toLongLong();
    auto& project = window.session().project();
    QTest::keyClick(variants, Qt::Key_P);
    QCOMPARE(statusOf(project, first), backdrop::VariantStatus::approved);
    QCOMPARE(variants->currentIndex().data(backdrop::ui::kVariantIdRole).toLongLong(), second);
    QTest::keyClick(variants, Qt::Key_X);
    QCOMPARE(statusOf(project, second), backdrop::VariantStatus::rejected);
    window.undoStack().undo();
    QCOMPARE(statusOf(project, second), backdrop::VariantStatus::generated);
    variants->setCurrentIndex(variants->model()->index(1, 0));
    QTest::keyClick(variants, Qt::Key_4);
    QCOMPARE(project.variants().find(second)->stars.value_or(0), 4);
    variants->setCurrentIndex(variants->model()->index(1, 0));
    QTest::keyClick(variants, Qt::Key_A);
    auto* menu = window.findChild<QMenu*>("flagReasonMenu");
    QTRY_VERIFY(menu->isVisible());
    for (QAction* action : menu->actions()) {
      if (action->text() == "halo") action->trigger();
    }
    QCOMPARE(statusOf(project, second), backdrop::VariantStatus::flagged);

    // The project file, opened afresh, holds all of it.
    auto reopened = backdrop::Project::open(file.toStdString());
    QCOMPARE(reopened.variants().find(first)->status, backdrop::VariantStatus::approved);
    const auto flagged = reopened.variants().find(second);
    QCOMPARE(flagged->status, backdrop::VariantStatus::flagged);
    QCOMPARE(flagged->flag_reasons, std::vector<std::string>{"halo"});
    QCOMPARE(flagged->stars.value_or(0), 4);
    QStringList actions;
    for (const auto& entry : reopened.review_log().all()) actions << QString::fromStdString(entry.action);
    QCOMPARE(actions, (QStringList{"approve", "reject", "undo reject", "rate", "flag"}));
    const auto thresholds = reopened.edge_settings().find(ids[0].toStdString());
    QVERIFY(thresholds.has_value());
    QCOMPARE(thresholds->low, double(low->value()));
    QCOMPARE(thresholds->high, 200.0);
  }
};

QTEST_MAIN(StudioWorkflowTest)
#include "studio_workflow_test.moc"
