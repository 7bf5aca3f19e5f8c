// Masks that need attention in the Studio: preparing the example catalogue's p003 (a tank top on
// white) and p004 (a t-shirt on a white brick wall) records p003 as automatic and p004 as needing
// attention; the catalogue lists p004 first; the product view shows why, and Accept Mask records
// who accepted it and lets the product go (it is no longer first).

#include <QtTest>

#include <QLabel>
#include <QPushButton>

#include "core/store/project.h"
#include "studio_test_project.h"
#include "support/test_data.h"
#include "ui/catalogue_panel.h"
#include "ui/main_window.h"
#include "ui/project_session.h"

using backdrop::MaskStatus;
using backdrop::ui::MainWindow;

class MaskVerdictTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void needsAttentionComesFirstUntilAccepted() {
    MainWindow window;
    const auto dir = backdrop::test::scratch_dir("studio-mask-verdict-" + std::to_string(QCoreApplication::applicationPid()));
    backdrop::test::openWithExampleCatalogue(window, dir / "verdicts.backdrop");
    if (QTest::currentTestFailed()) return;

    QSignalSpy prepared(&window, &MainWindow::prepareFinished);
    QVERIFY(window.prepareProducts({"p003", "p004"}));
    QVERIFY(prepared.wait(60000));
    const QString summary = prepared.back().front().toString();
    QVERIFY2(summary.contains("1 need attention"), qPrintable(summary));
    auto masks = window.session().project().masks();
    QCOMPARE(masks.find("p003")->status, MaskStatus::automatic);
    const auto p004 = *masks.find("p004");
    QCOMPARE(p004.status, MaskStatus::needs_attention);
    QVERIFY(!p004.reasons.empty());
    QCOMPARE(window.catalogue().shownProductIds().front(), QString("p004"));

    QVERIFY(window.selectProduct("p004"));
    auto* verdict = window.findChild<QLabel*>("maskVerdict");
    auto* accept = window.findChild<QPushButton*>("acceptMaskButton");
    QTRY_VERIFY_WITH_TIMEOUT(verdict->text().contains("needs-attention"), 20000);
    QVERIFY2(verdict->text().contains("textured"), qPrintable(verdict->text()));
    QVERIFY(accept->isEnabled());
    QTest::mouseClick(accept, Qt::LeftButton);

    const auto accepted = *masks.find("p004");
    QCOMPARE(accepted.status, MaskStatus::accepted);
    QVERIFY(!accepted.decided_by.empty() && !accepted.decided_at.empty());
    QVERIFY(verdict->text().contains("accepted"));
    QVERIFY(!accept->isEnabled());
    QCOMPARE(window.catalogue().shownProductIds().front(), QString("p001"));
  }
};

QTEST_MAIN(MaskVerdictTest)
#include "mask_verdict_test.moc"
