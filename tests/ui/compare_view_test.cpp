// The compare view on real generated variants: two selected in the grid show side by side, and
// one toggle (keys O/M/E or the buttons) switches every pane between the output, the product mask
// over it and the ControlNet edge map, keeping the synced zoom.

#include <QtTest>

#include <QGraphicsView>
#include <QListView>
#include <QToolButton>

#include "studio_test_project.h"
#include "support/test_data.h"
#include "ui/catalogue_panel.h"
#include "ui/compare_view.h"
#include "ui/generation_panel.h"
#include "ui/main_window.h"
#include "ui/variants_panel.h"

using backdrop::ui::CompareLayer;
using backdrop::ui::CompareView;
using backdrop::ui::MainWindow;

namespace {

int differingPixels(const QImage& a, const QImage& b) {
  const QImage x = a.convertToFormat(QImage::Format_RGB32), y = b.convertToFormat(QImage::Format_RGB32);
  if (x.size() != y.size()) return x.width() * x.height();
  int count = 0;
  for (int row = 0; row < x.height(); ++row) {
    for (int column = 0; column < x.width(); ++column) count += x.pixel(column, row) != y.pixel(column, row);
  }
  return count;
}

// Share of pixels that are pure black or pure white: an edge map is nothing else.
double binaryShare(const QImage& image) {
  const QImage grey = image.convertToFormat(QImage::Format_Grayscale8);
  int binary = 0;
  for (int row = 0; row < grey.height(); ++row) {
    const uchar* line = grey.constScanLine(row);
    for (int column = 0; column < grey.width(); ++column) binary += line[column] == 0 || line[column] == 255;
  }
  return static_cast<double>(binary) / (grey.width() * grey.height());
}

int whitePixels(const QImage& image) {
  const QImage grey = image.convertToFormat(QImage::Format_Grayscale8);
  int white = 0;
  for (int row = 0; row < grey.height(); ++row) {
    const uchar* line = grey.constScanLine(row);
    for (int column = 0; column < grey.width(); ++column) white += line[column] == 255;
  }
  return white;
}

}  // namespace

class CompareViewTest : public QObject {
  Q_OBJECT

 private slots:
  void togglesEveryPaneBetweenOutputMaskAndEdges() {
    const auto dir = backdrop::test::scratch_dir("studio-compare");
    MainWindow window;
    backdrop::test::openWithExampleCatalogue(window, dir / "compare.backdrop");
    if (QTest::currentTestFailed()) return;
    backdrop::test::keepFirstPlacement(window);  // the counts below are per product and prompt
    const QStringList ids = window.catalogue().shownProductIds().mid(0, 2);
    QSignalSpy finished(&window.generation(), &backdrop::ui::GenerationPanel::jobFinished);
    QVERIFY(window.generation().start(ids));
    QVERIFY(finished.wait(60000));
    QVERIFY2(finished.front().front().toString().startsWith("finished"), qPrintable(finished.front().front().toString()));

    // Select both variants with the mouse: the first by a click, the second by a Ctrl+click.
    QVERIFY(window.showView("variants"));
    auto* variants = window.findChild<backdrop::ui::VariantsPanel*>("variantsPanel");
    variants->showProduct({});
    auto* grid = variants->grid();
    QTRY_COMPARE(grid->model()->rowCount(), 2);
    CompareView* compare = variants->compare();
    QSignalSpy shown(variants, &backdrop::ui::VariantsPanel::compareShown);
    QTest::mouseClick(grid->viewport(), Qt::LeftButton, {}, grid->visualRect(grid->model()->index(0, 0)).center());
    QTest::mouseClick(grid->viewport(), Qt::LeftButton, Qt::ControlModifier,
                      grid->visualRect(grid->model()->index(1, 0)).center());
    QTRY_COMPARE_WITH_TIMEOUT(compare->viewCount(), 2, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(!compare->shownImage(1).isNull(), 20000);
    QCOMPARE(compare->layer(), CompareLayer::output);
    const QImage output0 = compare->shownImage(0), output1 = compare->shownImage(1);
    QVERIFY(differingPixels(output0, output1) > 0);  // two products, two different pictures

    // A synced zoom, then M on the grid: every pane shows its mask over the output, same zoom.
    compare->zoomBy(1.25);
    auto views = compare->findChildren<QGraphicsView*>("compareImage");
    QCOMPARE(views.size(), 2);
    const QTransform zoom = views[0]->transform();
    QCOMPARE(views[1]->transform(), zoom);
    grid->setFocus();
    QTest::keyClick(grid, Qt::Key_M);
    QCOMPARE(compare->layer(), CompareLayer::mask);
    QVERIFY(compare->findChild<QToolButton*>("compareMask")->isChecked());
    for (int pane = 0; pane < 2; ++pane) {
      const QImage mask = compare->shownImage(pane);
      const QImage output = pane == 0 ? output0 : output1;
      QCOMPARE(mask.size(), output.size());
      const int tinted = differingPixels(mask, output);
      // The tint covers the product, not the whole canvas.
      QVERIFY2(tinted > output.width() * output.height() / 50, qPrintable(QString::number(tinted)));
      QVERIFY2(tinted < output.width() * output.height() * 9 / 10, qPrintable(QString::number(tinted)));
    }
    QCOMPARE(views[0]->transform(), zoom);

    // E in the compare view itself: edge maps, black with white Canny edges, on every pane.
    compare->setFocus();
    QTest::keyClick(compare, Qt::Key_E);
    QCOMPARE(compare->layer(), CompareLayer::edges);
    for (int pane = 0; pane < 2; ++pane) {
      const QImage edges = compare->shownImage(pane);
      QCOMPARE(edges.size(), output0.size());
      QCOMPARE(binaryShare(edges), 1.0);
      QVERIFY(whitePixels(edges) > 100);
    }
    QVERIFY(differingPixels(compare->shownImage(0), compare->shownImage(1)) > 0);

    // The Output button brings the outputs back, unchanged.
    QTest::mouseClick(compare->findChild<QToolButton*>("compareOutput"), Qt::LeftButton);
    QCOMPARE(compare->layer(), CompareLayer::output);
    QCOMPARE(differingPixels(compare->shownImage(0), output0), 0);
    QCOMPARE(differingPixels(compare->shownImage(1), output1), 0);

    // The layer stays chosen for the next selection.
    QTest::keyClick(grid, Qt::Key_E);
    shown.clear();
    QTest::mouseClick(grid->viewport(), Qt::LeftButton, {}, grid->visualRect(grid->model()->index(1, 0)).center());
    QVERIFY(shown.wait(20000));
    QCOMPARE(compare->viewCount(), 1);
    QCOMPARE(compare->layer(), CompareLayer::edges);
    QCOMPARE(binaryShare(compare->shownImage(0)), 1.0);
  }
};

QTEST_MAIN(CompareViewTest)
#include "compare_view_test.moc"
