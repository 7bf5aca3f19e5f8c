// The product view's mask assist through the real widgets, on a constructed photo whose true
// mask is known (a blue product on a brick-like wall): a box dragged around the product gives
// a GrabCut mask, one fast brush stroke (press, a single far move, release) leaves a continuous
// line, and Ctrl+Z / Redo undo and redo each edit exactly.
//
// With BACKDROP_SCREENSHOT_DIR set, the window with the box's mask is saved there as
// mask-assist.png, for a person to look at.

#include <QtTest>

#include <QDir>
#include <QLabel>
#include <QPainter>
#include <QSlider>
#include <QTemporaryDir>
#include <QToolButton>
#include <QUndoStack>

#include "studio_test_project.h"
#include "ui/catalogue_panel.h"
#include "ui/main_window.h"
#include "ui/mask_editor.h"

using backdrop::ui::MaskEditor;

namespace {

const QSize kPhoto(640, 480);
const QRect kProduct(200, 110, 240, 300);  // the product's ellipse

// A light wall with darker mortar lines (a textured background the automatic segmenter can take
// for product) and a blue oval product (the overlay is red); saved as the folder's one image.
QImage productOnBrickWall(QImage* truth) {
  QImage photo(kPhoto, QImage::Format_RGB32);
  photo.fill(QColor(236, 234, 230));
  QPainter painter(&photo);
  painter.setPen(QPen(QColor(190, 188, 184), 3));
  for (int y = 20; y < kPhoto.height(); y += 40) {
    painter.drawLine(0, y, kPhoto.width(), y);
    for (int x = (y / 40) % 2 * 50; x < kPhoto.width(); x += 100) painter.drawLine(x, y, x, y + 40);
  }
  painter.setPen(Qt::NoPen);
  painter.setBrush(QColor(40, 90, 150));
  painter.drawEllipse(kProduct);
  *truth = QImage(kPhoto, QImage::Format_Grayscale8);
  truth->fill(0);
  QPainter mask(truth);
  mask.setPen(Qt::NoPen);
  mask.setBrush(Qt::white);
  mask.drawEllipse(kProduct);
  return photo;
}

bool maskSet(const QImage& mask, const QPointF& point) {
  return qGray(mask.pixel(point.toPoint())) >= 128;
}

// The share of the points along a..b (photo pixels) where the mask is set.
double coverageAlong(const QImage& mask, const QPointF& a, const QPointF& b) {
  constexpr int kSamples = 400;
  int set = 0;
  for (int i = 0; i <= kSamples; ++i) set += maskSet(mask, a + (b - a) * (double(i) / kSamples));
  return double(set) / (kSamples + 1);
}

QRect boundingRect(const QImage& mask) {
  QRect bounds;
  for (int y = 0; y < mask.height(); ++y) {
    const uchar* row = mask.constScanLine(y);
    for (int x = 0; x < mask.width(); ++x) {
      if (row[x] >= 128) bounds |= QRect(x, y, 1, 1);
    }
  }
  return bounds;
}

double iou(const QImage& a, const QImage& b) {
  qint64 both = 0, either = 0;
  for (int y = 0; y < a.height(); ++y) {
    for (int x = 0; x < a.width(); ++x) {
      const bool inA = a.constScanLine(y)[x] >= 128, inB = b.constScanLine(y)[x] >= 128;
      both += inA && inB;
      either += inA || inB;
    }
  }
  return either == 0 ? 0.0 : double(both) / either;
}

void drag(MaskEditor* editor, const QPoint& from, const QPoint& to) {
  QTest::mousePress(editor, Qt::LeftButton, {}, from);
  QTest::mouseMove(editor, to);
  QTest::mouseRelease(editor, Qt::LeftButton, {}, to);
}

}  // namespace

class MaskAssistTest : public QObject {
  Q_OBJECT

 private slots:
  void boxThenBrushThenUndo() {
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkdir("photos"));
    QImage truth;
    const QImage photo = productOnBrickWall(&truth);
    QVERIFY(photo.save(dir.filePath("photos/oval.png")));
    QVERIFY(photo.save(dir.filePath("photos/oval_copy.png")));
    backdrop::ui::MainWindow window;
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QVERIFY(window.createProject(dir.filePath("assist.backdrop")));
    QSignalSpy imported(&window, &backdrop::ui::MainWindow::importFinished);
    QVERIFY(window.importCatalogue(dir.filePath("photos"), {}, "bags"));
    QVERIFY(imported.wait(30000));
    const QStringList products = window.catalogue().shownProductIds();
    QCOMPARE(products.size(), 2);
    QVERIFY(window.selectProduct(products[0]));
    auto* editor = window.findChild<MaskEditor*>("maskEditor");
    QTRY_VERIFY_WITH_TIMEOUT(editor->mask().size() == kPhoto, 30000);
    const QImage automatic = editor->mask();

    // Box: dragged a little outside the product, it finds the product and nothing of the wall.
    const QRect box = kProduct.adjusted(-20, -20, 20, 20);
    window.findChild<QToolButton*>("boxTool")->click();
    const int stepsBefore = window.undoStack().count();
    drag(editor, editor->photoToWidget(box.topLeft()).toPoint(), editor->photoToWidget(box.bottomRight()).toPoint());
    auto* status = window.findChild<QLabel*>("maskAssistStatus");
    QTRY_VERIFY2_WITH_TIMEOUT(window.undoStack().count() == stepsBefore + 1, qPrintable(status->text()), 30000);
    const QImage fromBox = editor->mask();
    QVERIFY(fromBox != automatic);
    const double agreement = iou(fromBox, truth);
    QVERIFY2(agreement >= 0.9, qPrintable(QString("IoU with the true mask %1").arg(agreement)));
    QVERIFY(box.adjusted(-2, -2, 2, 2).contains(boundingRect(fromBox)));
    QVERIFY(window.findChild<QToolButton*>("brushTool")->isChecked());  // ready to refine
    backdrop::test::saveScreenshot(window, "mask-assist.png");

    // Brush: one far move with the smallest brush, across the empty area above the box.
    window.findChild<QSlider*>("brushSize")->setValue(2);
    const QPoint from = editor->photoToWidget(QPointF(fromBox.width() * 0.1, box.top() / 2.0)).toPoint();
    const QPoint to = editor->photoToWidget(QPointF(fromBox.width() * 0.9, box.top() / 2.0)).toPoint();
    const QPointF a = editor->widgetToPhoto(from), b = editor->widgetToPhoto(to);
    QVERIFY(b.x() - a.x() > 100);
    QCOMPARE(coverageAlong(fromBox, a, b), 0.0);
    drag(editor, from, to);
    const QImage stroked = editor->mask();
    QCOMPARE(coverageAlong(stroked, a, b), 1.0);
    QCOMPARE(window.undoStack().count(), stepsBefore + 2);

    // Ctrl+Z undoes the stroke, then the box, each exactly; the platform's Redo keys redo them.
    QTest::keyClick(editor, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(editor->mask(), fromBox);
    QTest::keyClick(editor, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(editor->mask(), automatic);
    const QKeySequence redo = QKeySequence::keyBindings(QKeySequence::Redo).value(0);
    QTest::keySequence(editor, redo);
    QCOMPARE(editor->mask(), fromBox);
    QTest::keySequence(editor, redo);
    QCOMPARE(editor->mask(), stroked);

    // Another product shown: the edits of the first have no mask to act on, so undo drops them
    // and leaves this product's mask alone.
    const quint64 firstDocument = editor->document();
    QVERIFY(window.selectProduct(products[1]));
    QTRY_VERIFY_WITH_TIMEOUT(editor->document() != firstDocument, 30000);
    const QImage other = editor->mask();
    QTest::keyClick(editor, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(editor->mask(), other);
    QCOMPARE(window.undoStack().count(), stepsBefore + 1);
  }
};

QTEST_MAIN(MaskAssistTest)
#include "mask_assist_test.moc"
