// The Generate tab's choices on the real widgets: two of the project's placements checked and two
// colours typed, the count shown before starting says so, and the variants made have those
// placements' sizes and those colours.

#include <QtTest>

#include <QCheckBox>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/preparation/unprepared_products.h"
#include "studio_test_project.h"
#include "ui/catalogue_panel.h"
#include "ui/generation_panel.h"

using backdrop::ui::GenerationPanel;
using backdrop::ui::MainWindow;

class GenerationChoicesTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void twoPlacementsTimesTwoColours() {
    MainWindow window;
    backdrop::test::openWithExampleCatalogue(window, backdrop::test::scratch_dir("studio-choices") / "c.backdrop");
    if (QTest::currentTestFailed()) return;
    auto& project = window.session().project();
    backdrop::prepare_unprepared_products(project);
    // Small canvases under the ad placements' names, so the studio backdrop paints quickly.
    project.placements().save({0, "square", 96, 96});
    project.placements().save({0, "story", 54, 96});
    QVERIFY(window.showView("queue"));  // the tab shows the project's placements as they are now

    for (const auto& placement : project.placements().list()) {
      auto* box = window.findChild<QCheckBox*>(QString::fromStdString("placement:" + placement.name));
      QVERIFY2(box != nullptr && box->isChecked(), placement.name.c_str());
      if (placement.name != "square" && placement.name != "story") box->click();
    }
    auto* colours = window.findChild<QLineEdit*>("colourChoices");
    colours->selectAll();
    QTest::keyClicks(colours, "none, #3a5f8c");
    const QStringList products = window.catalogue().shownProductIds().mid(0, 2);
    window.generation().setSelection(products);
    auto* count = window.findChild<QLabel*>("planCount");
    QTRY_COMPARE_WITH_TIMEOUT(count->text(), QString("2 products × 1 prompt × 2 placements × 2 colours = 8 variants"),
                              20000);

    QSignalSpy finished(&window.generation(), &GenerationPanel::jobFinished);
    QVERIFY(window.generation().start(products));
    QVERIFY(finished.wait(60000));
    QVERIFY2(finished.back().front().toString().startsWith("finished: 8 rendered"),
             qPrintable(finished.back().front().toString()));

    const std::map<std::string, QSize> sizes{{"square", {96, 96}}, {"story", {54, 96}}};
    std::set<std::string> made;
    for (const auto& id : products) {
      for (const auto& variant : project.variants().list_for_product(id.toStdString())) {
        const auto inputs = nlohmann::json::parse(variant.inputs_json);
        const auto placement = inputs.at("placement").at("name").get<std::string>();
        const auto colour = inputs.at("colour").get<std::string>();
        QVERIFY2(sizes.contains(placement), placement.c_str());
        const QImage image(QString::fromStdString((project.cache_dir() / variant.image_path).string()));
        QCOMPARE(image.size(), sizes.at(placement));
        made.insert(id.toStdString() + " " + placement + " " + colour);
      }
    }
    QCOMPARE(made.size(), std::size_t{8});
    for (const auto& id : products) {
      for (const auto* placement : {"square", "story"}) {
        QVERIFY(made.contains(id.toStdString() + " " + placement + " "));
        QVERIFY(made.contains(id.toStdString() + " " + placement + " #3a5f8c"));
      }
    }

    // A colour no one can paint is refused before anything starts, saying why.
    colours->selectAll();
    QTest::keyClicks(colours, "navy-ish");
    QTRY_VERIFY_WITH_TIMEOUT(count->text().contains("colour 'navy-ish'"), 5000);
    QVERIFY(!window.findChild<QPushButton*>("startGeneration")->isEnabled());
    QVERIFY(!window.generation().start(products));
  }
};

QTEST_MAIN(GenerationChoicesTest)
#include "generation_choices_test.moc"
