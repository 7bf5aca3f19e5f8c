// The review as a Lightroom user drives it, through the main window's Review and View menus and
// their keys (sent to the window): the keys are listed in the menu, each acts on the variant the
// loupe shows, auto-advance follows it (and can be turned off), undo restores "never rated", C
// compares, the loupe fits and zooms, Ctrl+Right/Left change the product, the captions say what
// each variant is, and "Artifact score, worst first" sorts by the scores every variant has.

#include <QtTest>

#include <QComboBox>
#include <QGraphicsView>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QMenuBar>
#include <QUndoStack>

#include "core/generation/variant_inputs.h"
#include "core/store/project.h"
#include "studio_test_project.h"
#include "ui/catalogue_panel.h"
#include "ui/compare_view.h"
#include "ui/generation_panel.h"
#include "ui/main_window.h"
#include "ui/roles.h"
#include "ui/studio_settings.h"
#include "ui/variants_panel.h"

using backdrop::VariantStatus;
using backdrop::ui::CompareView;
using backdrop::ui::MainWindow;
using backdrop::ui::VariantsPanel;

namespace {

QAction* action(MainWindow& window, const QString& name) {
  return window.findChild<QAction*>(name);
}

int64_t idAt(const VariantsPanel& panel, int row) {
  return panel.grid()->model()->index(row, 0).data(backdrop::ui::kVariantIdRole).toLongLong();
}

// The fitted image lies inside its pane and fills it on one side: nothing is cropped.
void verifyFitted(const QGraphicsView& view) {
  const QRect image = view.mapFromScene(view.scene()->itemsBoundingRect()).boundingRect();
  const QRect pane = view.viewport()->rect();
  QVERIFY2(pane.adjusted(-1, -1, 1, 1).contains(image), qPrintable(QString("image %1,%2 %3x%4 in %5x%6")
                                                                       .arg(image.x())
                                                                       .arg(image.y())
                                                                       .arg(image.width())
                                                                       .arg(image.height())
                                                                       .arg(pane.width())
                                                                       .arg(pane.height())));
  QVERIFY(image.width() >= pane.width() * 9 / 10 || image.height() >= pane.height() * 9 / 10);
}

}  // namespace

class ReviewKeysTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }  // the auto-advance setting is a test's own

  void reviewMenuListsTheKeys() {
    MainWindow window;
    auto* menu = window.menuBar()->findChild<QMenu*>("reviewMenu");
    QVERIFY(menu != nullptr);
    QStringList keys;
    for (QAction* entry : menu->actions()) {
      if (!entry->isSeparator()) keys << entry->text() + "=" + entry->shortcut().toString();
    }
    QCOMPARE(keys, (QStringList{"&Approve (Pick)=P", "&Reject=X", "&Unflag=U", "1 Star=1", "2 Stars=2", "3 Stars=3",
                                "4 Stars=4", "5 Stars=5", "Flag an &Artifact…=A", "&Compare=C",
                                "&Next Product=Ctrl+Right", "&Previous Product=Ctrl+Left"}));
    QVERIFY(action(window, "reviewAutoAdvance")->isCheckable());
    QCOMPARE(action(window, "loupeZoomIn")->shortcut().toString(), QString("Ctrl+="));
    QCOMPARE(action(window, "loupeFit")->shortcut().toString(), QString("Ctrl+0"));
    QVERIFY(!action(window, "reviewApprove")->isEnabled());  // the Variants tab is not shown
  }

  void keysActOnTheVariantInTheLoupe() {
    const auto dir = backdrop::test::scratch_dir("studio-review-keys");
    MainWindow window;
    backdrop::test::openWithExampleCatalogue(window, dir / "review.backdrop");
    if (QTest::currentTestFailed()) return;
    QVERIFY(QTest::qWaitForWindowActive(&window));
    const QStringList products = window.catalogue().shownProductIds().mid(0, 2);
    QSignalSpy finished(&window.generation(), &backdrop::ui::GenerationPanel::jobFinished);
    QVERIFY(window.generation().start(products));
    QVERIFY(finished.wait(90000));
    QVERIFY2(finished.front().front().toString().startsWith("finished"),
             qPrintable(finished.front().front().toString()));

    QVERIFY(window.showView("variants"));
    QVERIFY(window.selectProduct(products[0]));
    auto* panel = window.findChild<VariantsPanel*>("variantsPanel");
    QCOMPARE(panel->productId(), products[0]);
    const int perProduct =
        static_cast<int>(window.session().project().variants().list_for_product(products[0].toStdString()).size());
    QVERIFY(perProduct >= 4);
    QCOMPARE(panel->variantCount(), perProduct);
    verifyCaptions(window, *panel);
    verifyArtifactSort(window, *panel);
    verifyDecisions(window, *panel);
    verifyCompareAndLoupe(window, *panel);
    verifyProductSteps(window, *panel, products);
    verifyTextFieldsKeepTheirKeys(window);
  }

 private:
  static void verifyCaptions(MainWindow& window, const VariantsPanel& panel) {
    auto& project = window.session().project();
    for (int row = 0; row < panel.variantCount(); ++row) {
      const QModelIndex index = panel.grid()->model()->index(row, 0);
      const auto variant = project.variants().find(index.data(backdrop::ui::kVariantIdRole).toLongLong());
      const auto inputs = backdrop::variant_inputs_from_json(nlohmann::json::parse(variant->inputs_json));
      const QString caption = index.data().toString();
      QVERIFY2(caption.startsWith("generated") || caption.startsWith("flagged"), qPrintable(caption));
      QVERIFY2(caption.contains(QString::fromStdString(inputs.placement.name)), qPrintable(caption));
      QVERIFY2(caption.contains(QString("seed %1").arg(inputs.seed)), qPrintable(caption));
      QVERIFY(variant->worst_artifact_score().has_value());  // every studio variant is scored
      QVERIFY2(caption.contains(QString("artifact %1").arg(*variant->worst_artifact_score(), 0, 'f', 2)),
               qPrintable(caption));
      const QString tip = index.data(Qt::ToolTipRole).toString();
      QVERIFY2(tip.contains("prompt: " + QString::fromStdString(inputs.prompt)), qPrintable(tip));
      QVERIFY2(tip.contains(QString("seed: %1").arg(inputs.seed)), qPrintable(tip));
      QVERIFY2(tip.contains(QString("placement: %1 %2x%3")
                                .arg(QString::fromStdString(inputs.placement.name))
                                .arg(inputs.placement.width)
                                .arg(inputs.placement.height)),
               qPrintable(tip));
    }
  }

  // Studio backdrops paste the product unchanged and score 0; a diffusion run's scores differ. The
  // scores are set here as such a run records them, and the grid lists the worst first.
  static void verifyArtifactSort(MainWindow& window, const VariantsPanel& panel) {
    auto variants = window.session().project().variants();
    QList<int64_t> worstFirst;
    for (int row = 0; row < panel.variantCount(); ++row) worstFirst.prepend(idAt(panel, row));
    std::swap(worstFirst.front(), worstFirst.back());  // an order neither by id nor its reverse
    for (int rank = 0; rank < worstFirst.size(); ++rank) {
      variants.set_artifact_scores(worstFirst[rank],
                                   {{"object_expansion", 0.9 - 0.1 * rank}, {"edge_continuation", 0.05}});
    }
    auto* sort = window.findChild<QComboBox*>("variantSort");
    sort->setCurrentText("Artifact score, worst first");
    QList<int64_t> shown;
    for (int row = 0; row < panel.variantCount(); ++row) shown << idAt(panel, row);
    QCOMPARE(shown, worstFirst);
    QVERIFY(panel.grid()->model()->index(0, 0).data().toString().contains("artifact 0.90"));
    sort->setCurrentText("Newest first");
    for (int row = 1; row < panel.variantCount(); ++row) QVERIFY(idAt(panel, row - 1) > idAt(panel, row));
  }

  static void verifyDecisions(MainWindow& window, VariantsPanel& panel) {
    auto variants = window.session().project().variants();
    const int64_t first = idAt(panel, 0), second = idAt(panel, 1), third = idAt(panel, 2);
    QVERIFY(panel.setCurrentVariant(first));
    QCOMPARE(panel.compare()->shownVariantIds(), QList<int64_t>{first});
    QVERIFY(panel.grid()->hasFocus());

    // P approves the variant in the loupe; the loupe moves on with the current variant at once.
    QTest::keyClick(&window, Qt::Key_P);
    QCOMPARE(variants.find(first)->status, VariantStatus::approved);
    QCOMPARE(panel.currentVariantId(), second);
    QCOMPARE(panel.compare()->shownVariantIds(), QList<int64_t>{second});
    // 5 rates the one shown now, not the one approved; the approved one was never rated.
    QTest::keyClick(&window, Qt::Key_5);
    QCOMPARE(variants.find(second)->stars.value_or(-1), 5);
    QCOMPARE(variants.find(first)->stars.value_or(-1), -1);  // none
    QCOMPARE(panel.currentVariantId(), third);

    // Auto-advance off (View menu, remembered): X rejects and the loupe stays.
    action(window, "reviewAutoAdvance")->trigger();
    QVERIFY(!panel.autoAdvance());
    QVERIFY(!backdrop::ui::StudioSettings::load().autoAdvance);
    QTest::keyClick(&window, Qt::Key_X);
    QCOMPARE(variants.find(third)->status, VariantStatus::rejected);
    QCOMPARE(panel.currentVariantId(), third);
    QCOMPARE(panel.compare()->shownVariantIds(), QList<int64_t>{third});

    // 3 stars, then undo: unrated again (none, not 0 stars); the rejection stays.
    QTest::keyClick(&window, Qt::Key_3);
    QCOMPARE(variants.find(third)->stars.value_or(-1), 3);
    QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(variants.find(third)->stars.value_or(-1), -1);  // none
    QCOMPARE(variants.find(third)->status, VariantStatus::rejected);
    action(window, "reviewAutoAdvance")->trigger();
    QVERIFY(backdrop::ui::StudioSettings::load().autoAdvance);
  }

  static void verifyCompareAndLoupe(MainWindow& window, VariantsPanel& panel) {
    auto variants = window.session().project().variants();
    const int64_t third = idAt(panel, 2), fourth = idAt(panel, 3);
    QCOMPARE(panel.currentVariantId(), third);
    QSignalSpy shown(&panel, &VariantsPanel::compareShown);
    // C: the current variant beside the next one; P still acts on the current one alone.
    QTest::keyClick(&window, Qt::Key_C);
    QCOMPARE(panel.compare()->shownVariantIds(), (QList<int64_t>{third, fourth}));
    QVERIFY(shown.wait(20000));
    QTest::keyClick(&window, Qt::Key_P);
    QCOMPARE(variants.find(third)->status, VariantStatus::approved);
    QVERIFY(variants.find(fourth)->status != VariantStatus::approved);
    QCOMPARE(panel.compare()->shownVariantIds(), QList<int64_t>{fourth});

    // The loupe fits the whole image, zooms with Ctrl+= and fits again with Ctrl+0.
    shown.clear();
    QVERIFY(shown.wait(20000));
    CompareView* loupe = panel.compare();
    QTRY_VERIFY(!loupe->shownImage(0).isNull());
    QTest::qWait(50);  // the fit after this turn's layout
    verifyFitted(*loupe->view(0));
    if (QTest::currentTestFailed()) return;
    const double fitted = loupe->view(0)->transform().m11();
    QTest::keyClick(&window, Qt::Key_Equal, Qt::ControlModifier);
    QCOMPARE(loupe->view(0)->transform().m11(), fitted * 1.25);
    QVERIFY(!loupe->isFitted());
    QTest::keyClick(&window, Qt::Key_0, Qt::ControlModifier);
    QVERIFY(loupe->isFitted());
    QCOMPARE(loupe->view(0)->transform().m11(), fitted);
  }

  static void verifyProductSteps(MainWindow& window, VariantsPanel& panel, const QStringList& products) {
    QTest::keyClick(&window, Qt::Key_Right, Qt::ControlModifier);
    QCOMPARE(panel.productId(), products[1]);
    QCOMPARE(window.catalogue().currentProductId(), products[1]);
    QVERIFY(panel.variantCount() > 0);
    for (int row = 0; row < panel.variantCount(); ++row) {
      QCOMPARE(panel.grid()->model()->index(row, 0).data(backdrop::ui::kProductIdRole).toString(), products[1]);
    }
    QCOMPARE(panel.compare()->shownVariantIds(), QList<int64_t>{idAt(panel, 0)});
    QTest::keyClick(&window, Qt::Key_Left, Qt::ControlModifier);
    QCOMPARE(panel.productId(), products[0]);
  }

  // A letter typed into a text field is text, not a review decision.
  static void verifyTextFieldsKeepTheirKeys(MainWindow& window) {
    const auto before = window.session().project().variants().count_by_status();
    QVERIFY(window.showView("catalogue"));
    auto* search = window.findChild<QLineEdit*>("productSearch");
    search->setFocus();
    QTest::keyClicks(search, "px");
    QCOMPARE(search->text(), QString("px"));
    QCOMPARE(window.session().project().variants().count_by_status(), before);
    search->clear();
  }
};

QTEST_MAIN(ReviewKeysTest)
#include "review_keys_test.moc"
