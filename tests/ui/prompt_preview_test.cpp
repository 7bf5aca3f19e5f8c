// The prompt editor's preview through the real widgets: the selected prompt, as edited, rendered
// on a chosen product off the GUI thread, in the prompt's colour, with the no-weights banner; and
// a cancelled preview is dropped.

#include <QtTest>

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>

#include "core/generation/jobs_plan.h"
#include "core/store/project.h"
#include "studio_test_project.h"
#include "support/test_data.h"
#include "ui/catalogue_panel.h"
#include "ui/main_window.h"
#include "ui/project_session.h"
#include "ui/prompt_preview.h"

using backdrop::ui::MainWindow;
using backdrop::ui::PromptPreviewPanel;

class PromptPreviewTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }  // no weights configured

  void previewsTheEditedPromptOnAProductAndCancels() {
    const auto dir = backdrop::test::scratch_dir("studio-prompt-preview");
    MainWindow window;
    backdrop::test::openWithExampleCatalogue(window, dir / "preview.backdrop");
    if (QTest::currentTestFailed()) return;

    // A draft prompt in a blue colour for the first product's category (not saved: previews
    // show the table as edited).
    QVERIFY(window.showView("prompts"));
    const QString productId = window.catalogue().shownProductIds().front();
    const auto product = window.session().project().products().find(productId.toStdString());
    window.findChild<QComboBox*>("promptCategory")->setCurrentText(QString::fromStdString(product->category));
    QTest::mouseClick(window.findChild<QPushButton*>("addPrompt"), Qt::LeftButton);
    auto* table = window.findChild<QTableWidget*>("promptTable");
    table->item(0, 2)->setText("#2050a0");
    table->setCurrentCell(0, 0);

    auto* preview = window.findChild<PromptPreviewPanel*>("promptPreviewPanel");
    auto* products = window.findChild<QComboBox*>("previewProduct");
    QVERIFY(products->findText(productId) >= 0);
    products->setCurrentText(productId);
    QVERIFY(window.findChild<QLabel*>("previewNoWeightsBanner")->isVisible());
    QVERIFY(window.findChild<QLabel*>("previewNoWeightsBanner")->text().contains("studio backdrop"));

    QSignalSpy finished(preview, &PromptPreviewPanel::finished);
    QTest::mouseClick(window.findChild<QPushButton*>("previewPrompt"), Qt::LeftButton);
    QVERIFY(preview->isRendering());  // the render runs on a worker; the GUI thread is free
    QVERIFY(!window.findChild<QPushButton*>("previewPrompt")->isEnabled());
    QVERIFY(finished.wait(20000));
    QVERIFY2(finished.front().front().toString().startsWith("rendered"), qPrintable(finished.front().front().toString()));
    const QImage blue = preview->image();
    QCOMPARE(blue.size(), QSize(1080, 1080));  // the project's first seeded placement, "square"
    const QColor blueCorner = blue.pixelColor(2, 2);
    QVERIFY2(blueCorner.blue() > blueCorner.red() + 40, qPrintable(blueCorner.name()));
    QVERIFY(!window.findChild<QLabel*>("promptPreviewImage")->pixmap().isNull());

    // Another colour, another backdrop.
    table->item(0, 2)->setText("#b04020");
    finished.clear();
    QTest::mouseClick(window.findChild<QPushButton*>("previewPrompt"), Qt::LeftButton);
    QVERIFY(finished.wait(20000));
    const QColor redCorner = preview->image().pixelColor(2, 2);
    QVERIFY2(redCorner.red() > redCorner.blue() + 40, qPrintable(redCorner.name()));

    // Cancel: the preview in flight is dropped, the last one stays.
    const QImage before = preview->image();
    table->item(0, 2)->setText("#20a050");
    finished.clear();
    QTest::mouseClick(window.findChild<QPushButton*>("previewPrompt"), Qt::LeftButton);
    QVERIFY(preview->isRendering());
    QTest::mouseClick(window.findChild<QPushButton*>("cancelPreview"), Qt::LeftButton);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.front().front().toString(), QString("cancelled"));
    QCOMPARE(window.findChild<QLabel*>("promptPreviewStatus")->text(), QString("cancelled"));
    QCOMPARE(preview->image(), before);
    QVERIFY(window.findChild<QPushButton*>("previewPrompt")->isEnabled());

    // Another category: the last category's picture goes, its product list too.
    auto* category = window.findChild<QComboBox*>("promptCategory");
    const QString other = category->itemText(category->currentIndex() == 0 ? 1 : 0);
    category->setCurrentText(other);
    QVERIFY(preview->image().isNull());
    QVERIFY(window.findChild<QLabel*>("promptPreviewImage")->pixmap().isNull());
    QVERIFY(products->findText(productId) < 0);
  }
};

QTEST_MAIN(PromptPreviewTest)
#include "prompt_preview_test.moc"
