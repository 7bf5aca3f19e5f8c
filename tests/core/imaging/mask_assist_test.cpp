// mask_from_box on constructed photos whose true mask is known: a product on a textured
// background, at an ordinary size and at a size GrabCut only sees scaled down.

#include <QtTest>

#include <opencv2/imgproc.hpp>

#include "core/imaging/image_error.h"
#include "core/imaging/mask_assist.h"

using namespace backdrop::imaging;

namespace {

struct Scene {
  cv::Mat bgr;
  cv::Mat truth;  // CV_8UC1, 255 on the product
  cv::Rect product;
};

// A red bottle-like product (body and neck) on a light grey wall with a gradient and noise,
// drawn at `scale` times a 400x300 layout.
Scene productOnTexturedWall(double scale) {
  const cv::Size size(cvRound(400 * scale), cvRound(300 * scale));
  Scene scene;
  scene.bgr.create(size, CV_8UC3);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const auto shade = static_cast<uchar>(190 + 40 * x / size.width);
      scene.bgr.at<cv::Vec3b>(y, x) = {shade, static_cast<uchar>(shade - 5), static_cast<uchar>(shade - 10)};
    }
  }
  scene.truth = cv::Mat::zeros(size, CV_8UC1);
  auto at = [scale](int x, int y) { return cv::Point(cvRound(x * scale), cvRound(y * scale)); };
  cv::ellipse(scene.truth, at(200, 170), cv::Size(cvRound(70 * scale), cvRound(90 * scale)), 0, 0, 360, 255,
              cv::FILLED);
  cv::rectangle(scene.truth, at(180, 50), at(220, 100), 255, cv::FILLED);
  scene.bgr.setTo(cv::Scalar(40, 40, 190), scene.truth);
  cv::Mat noise(size, CV_16SC3);
  cv::randn(noise, cv::Scalar::all(0), cv::Scalar::all(12));
  cv::add(scene.bgr, noise, scene.bgr, cv::noArray(), CV_8UC3);  // texture on product and wall
  scene.product = cv::boundingRect(scene.truth);
  return scene;
}

double iou(const cv::Mat& a, const cv::Mat& b) {
  const double both = cv::countNonZero(a & b);
  const double either = cv::countNonZero(a | b);
  return either == 0 ? 0.0 : both / either;
}

cv::Rect grown(cv::Rect rect, int by) {
  return {rect.x - by, rect.y - by, rect.width + 2 * by, rect.height + 2 * by};
}

}  // namespace

class MaskAssistTest : public QObject {
  Q_OBJECT

 private slots:
  void boxAroundTheProductFindsIt() {
    const Scene scene = productOnTexturedWall(1.0);
    const cv::Mat mask = mask_from_box(scene.bgr, grown(scene.product, 15));
    QCOMPARE(mask.type(), CV_8UC1);
    QCOMPARE(mask.size(), scene.bgr.size());
    QCOMPARE(cv::countNonZero((mask != 0) & (mask != 255)), 0);
    const double score = iou(mask, scene.truth);
    QVERIFY2(score >= 0.9, qPrintable(QString("IoU %1").arg(score)));
  }

  void largePhotoIsScaledForGrabCutAndBack() {
    const Scene scene = productOnTexturedWall(8.0);  // 3200x2400: over the working side
    const cv::Mat mask = mask_from_box(scene.bgr, grown(scene.product, 100));
    QCOMPARE(mask.size(), scene.bgr.size());
    const double score = iou(mask, scene.truth);
    QVERIFY2(score >= 0.9, qPrintable(QString("IoU %1").arg(score)));
  }

  void onlyTheProductInTheBox() {
    Scene scene = productOnTexturedWall(1.0);
    const cv::Rect other(340, 40, 40, 40);  // another product, outside the box
    scene.bgr(other).setTo(cv::Scalar(40, 160, 40));
    const cv::Rect box = grown(scene.product, 15);
    QVERIFY((box & other).empty());
    const cv::Mat mask = mask_from_box(scene.bgr, box);
    QCOMPARE(cv::countNonZero(mask(other)), 0);
    cv::Mat outside = mask.clone();
    outside(box).setTo(0);
    QCOMPARE(cv::countNonZero(outside), 0);
    QVERIFY(iou(mask, scene.truth) >= 0.9);
  }

  void boxOverTheBorderIsClipped() {
    const Scene scene = productOnTexturedWall(1.0);
    const cv::Rect box(-50, scene.product.y - 15, scene.product.br().x + 65, scene.product.height + 30);
    QVERIFY(iou(mask_from_box(scene.bgr, box), scene.truth) >= 0.9);
  }

  void boxWithoutBackgroundOrPhotoIsAnError() {
    const Scene scene = productOnTexturedWall(1.0);
    QVERIFY_THROWS_EXCEPTION(ImageError, mask_from_box(scene.bgr, cv::Rect(-5, -5, 500, 400)));
    QVERIFY_THROWS_EXCEPTION(ImageError, mask_from_box(scene.bgr, cv::Rect(600, 10, 50, 50)));
    QVERIFY_THROWS_EXCEPTION(ImageError, mask_from_box(cv::Mat(), cv::Rect(0, 0, 10, 10)));
  }
};

QTEST_APPLESS_MAIN(MaskAssistTest)
#include "mask_assist_test.moc"
