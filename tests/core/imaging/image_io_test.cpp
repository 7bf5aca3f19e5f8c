// Image input: formats, bit depths, alpha, EXIF orientation and clear errors for bad files.

#include <QtTest>

#include <fstream>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "core/imaging/image_error.h"
#include "core/imaging/image_io.h"
#include "support/exif_segment.h"
#include "support/test_data.h"

using namespace backdrop;
using namespace backdrop::imaging;
using backdrop::test::with_exif;

namespace {

std::vector<uint8_t> encode(const std::string& extension, const cv::Mat& image, const std::vector<int>& params = {}) {
  std::vector<uint8_t> bytes;
  if (!cv::imencode(extension, image, bytes, params)) throw std::runtime_error("cannot encode " + extension);
  return bytes;
}

// A 40x20 image: red left half (BGR), blue right half.
cv::Mat two_halves() {
  cv::Mat image(20, 40, CV_8UC3, cv::Scalar(255, 0, 0));
  image(cv::Rect(0, 0, 20, 20)).setTo(cv::Scalar(0, 0, 255));
  return image;
}

bool is_red(const cv::Vec3b& p) { return p[2] > 200 && p[0] < 60; }
bool is_blue(const cv::Vec3b& p) { return p[0] > 200 && p[2] < 60; }

template <typename F>
QString error_of(F&& f) {
  try {
    f();
  } catch (const ImageError& error) {
    return QString::fromStdString(error.what());
  }
  return {};
}

}  // namespace

class ImageIoTest : public QObject {
  Q_OBJECT

 private slots:
  void readsJpegAsBgr() {
    const auto image = decode_image(encode(".jpg", two_halves(), {cv::IMWRITE_JPEG_QUALITY, 95}), "halves.jpg");
    QCOMPARE(image.format, ImageFormat::Jpeg);
    QCOMPARE(image.bgr.type(), CV_8UC3);
    QCOMPARE(image.bgr.cols, 40);
    QVERIFY(!image.has_alpha());
    QVERIFY(is_red(image.bgr.at<cv::Vec3b>(10, 5)));
    QVERIFY(is_blue(image.bgr.at<cv::Vec3b>(10, 35)));
  }

  void appliesExifOrientation() {
    const auto plain = encode(".jpg", two_halves(), {cv::IMWRITE_JPEG_QUALITY, 95});
    // 6: the camera was turned clockwise; upright is 20 wide, 40 tall, red (left) on top.
    const auto rotated = decode_image(with_exif(plain, 6), "rotated.jpg");
    QCOMPARE(rotated.exif_orientation, 6);
    QCOMPARE(rotated.bgr.cols, 20);
    QCOMPARE(rotated.bgr.rows, 40);
    QVERIFY(is_red(rotated.bgr.at<cv::Vec3b>(5, 10)));
    QVERIFY(is_blue(rotated.bgr.at<cv::Vec3b>(35, 10)));
    // 3: upside down; red ends up on the right.
    const auto flipped = decode_image(with_exif(plain, 3), "flipped.jpg");
    QCOMPARE(flipped.bgr.cols, 40);
    QVERIFY(is_red(flipped.bgr.at<cv::Vec3b>(10, 35)));
    // 8: counter-clockwise; red at the bottom.
    const auto other_way = decode_image(with_exif(plain, 8), "ccw.jpg");
    QVERIFY(is_red(other_way.bgr.at<cv::Vec3b>(35, 10)));
  }

  void readsPngDepthsGreyAndAlpha() {
    cv::Mat deep(8, 8, CV_16UC3, cv::Scalar(65535, 0, 32896));
    const auto from16 = decode_image(encode(".png", deep), "deep.png");
    QCOMPARE(from16.bgr.type(), CV_8UC3);
    QCOMPARE(from16.bgr.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 0, 128));

    cv::Mat grey(8, 8, CV_8UC1, cv::Scalar(77));
    const auto from_grey = decode_image(encode(".png", grey), "grey.png");
    QCOMPARE(from_grey.bgr.at<cv::Vec3b>(3, 3), cv::Vec3b(77, 77, 77));

    cv::Mat bgra(8, 8, CV_8UC4, cv::Scalar(10, 20, 30, 255));
    bgra.at<cv::Vec4b>(0, 0)[3] = 0;
    const auto with_alpha = decode_image(encode(".png", bgra), "alpha.png");
    QVERIFY(with_alpha.has_alpha());
    QCOMPARE(with_alpha.alpha.at<uint8_t>(0, 0), uint8_t{0});
    QCOMPARE(with_alpha.bgr.at<cv::Vec3b>(4, 4), cv::Vec3b(10, 20, 30));

    // An alpha channel that is opaque everywhere is no cut-out.
    bgra.at<cv::Vec4b>(0, 0)[3] = 255;
    QVERIFY(!decode_image(encode(".png", bgra), "opaque.png").has_alpha());
  }

  void readsPalettePngWithTransparency() {
    // The Solidus cut-outs are palette PNGs with a transparent background.
    const auto tote = load_image(test::product_data() / "cutouts" / "bags_canvas_tote.png");
    QCOMPARE(tote.format, ImageFormat::Png);
    QVERIFY(tote.has_alpha());
    QCOMPARE(tote.alpha.at<uint8_t>(0, 0), uint8_t{0});
  }

  void readsWebpWithAlpha() {
    cv::Mat bgra(16, 16, CV_8UC4, cv::Scalar(0, 200, 0, 255));
    bgra(cv::Rect(0, 0, 8, 16)).setTo(cv::Scalar(0, 0, 0, 0));
    const auto image = decode_image(encode(".webp", bgra, {cv::IMWRITE_WEBP_QUALITY, 101}), "lossless.webp");
    QCOMPARE(image.format, ImageFormat::Webp);
    QVERIFY(image.has_alpha());
    QCOMPARE(image.alpha.at<uint8_t>(8, 2), uint8_t{0});
    QCOMPARE(image.alpha.at<uint8_t>(8, 12), uint8_t{255});
  }

  void truncatedAndForeignFilesAreClearErrors() {
    auto jpeg = encode(".jpg", two_halves());
    jpeg.resize(jpeg.size() / 2);
    QVERIFY(error_of([&] { decode_image(jpeg, "cut.jpg"); }).contains("cut.jpg: JPEG file is truncated"));

    auto png = encode(".png", two_halves());
    png.resize(png.size() - 20);
    QVERIFY(error_of([&] { decode_image(png, "cut.png"); }).contains("PNG file is truncated"));

    const std::string text = "product_id,title\n";
    const std::vector<uint8_t> csv(text.begin(), text.end());
    QVERIFY(error_of([&] { decode_image(csv, "catalog.csv"); }).contains("not a JPEG, PNG or WebP"));

    QVERIFY(error_of([&] { load_image("no/such/photo.jpg"); }).contains("cannot open"));
  }
};

QTEST_APPLESS_MAIN(ImageIoTest)
#include "image_io_test.moc"
