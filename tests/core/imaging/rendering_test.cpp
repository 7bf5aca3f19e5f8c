// Compositing, studio backdrops, edge maps and palettes on a placed product.

#include <QtTest>

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/imaging/colour_names.h"
#include "core/imaging/colour_palette.h"
#include "core/imaging/colour_space.h"
#include "core/imaging/compositing.h"
#include "core/imaging/edge_map.h"
#include "core/imaging/studio_backdrop.h"

using namespace backdrop::imaging;

namespace {

// A textured round product with a soft edge and a faint drop shadow in its alpha, placed.
PlacedProduct placed_product(const cv::Size& canvas = {320, 240}) {
  cv::Mat photo(200, 200, CV_8UC3);
  cv::randu(photo, cv::Scalar::all(30), cv::Scalar::all(220));
  cv::Mat alpha(200, 200, CV_8UC1, cv::Scalar(0));
  cv::ellipse(alpha, cv::Point(100, 190), cv::Size(80, 6), 0, 0, 360, cv::Scalar(60), cv::FILLED);
  cv::circle(alpha, cv::Point(100, 100), 70, cv::Scalar(255), cv::FILLED, cv::LINE_AA);
  cv::GaussianBlur(alpha, alpha, cv::Size(), 1.2);
  LayoutRule rule;
  rule.fill = 0.8;
  return place_product(photo, segment_from_alpha(alpha), {"test", canvas.width, canvas.height}, rule);
}

double hue_degrees(const cv::Vec3f& lab) { return std::atan2(lab[2], lab[1]) * 180 / CV_PI; }

}  // namespace

class RenderingTest : public QObject {
  Q_OBJECT

 private slots:
  void insideTheErodedMaskTheProductIsExact() {
    const auto placed = placed_product();
    cv::Mat background(placed.mask.size(), CV_8UC3);
    cv::randu(background, cv::Scalar::all(0), cv::Scalar::all(255));
    const cv::Mat out = composite_product(placed, background);

    cv::Mat inner, outer;
    const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * kFeatherWidth + 1, 2 * kFeatherWidth + 1));
    cv::erode(placed.mask, inner, kernel);
    cv::dilate(placed.mask, outer, kernel);
    QVERIFY(cv::countNonZero(inner) > 1000);
    cv::Mat difference;
    cv::absdiff(out, placed.product, difference);
    QCOMPARE(cv::norm(difference, cv::NORM_INF, inner), 0.0);
    cv::absdiff(out, background, difference);
    QCOMPARE(cv::norm(difference, cv::NORM_INF, ~outer), 0.0);  // the alpha's drop shadow stays out
    // The edge band blends: somewhere it is neither the product nor the background.
    const cv::Mat band = outer & ~inner;
    QVERIFY(cv::norm(out, placed.product, cv::NORM_INF, band) > 0);
  }

  void studioBackdropHasColourGradientAndContactShadow() {
    const auto placed = placed_product();
    StudioOptions options;
    options.colour = cv::Vec3b(200, 180, 120);
    const cv::Mat plain = render_backdrop(placed.mask.size(), options);
    const cv::Mat studio = render_studio_backdrop(placed, options);
    QVERIFY(lab_of(plain.at<cv::Vec3b>(0, 0))[0] > lab_of(plain.at<cv::Vec3b>(239, 0))[0] + 5);  // gradient
    QCOMPARE(studio.at<cv::Vec3b>(0, 0), plain.at<cv::Vec3b>(0, 0));
    const cv::Rect box = placed.transform.canvas_box;
    const cv::Point under(box.x + box.width / 2, std::min(box.y + box.height + 2, studio.rows - 1));
    QVERIFY(lab_of(studio.at<cv::Vec3b>(under))[0] < lab_of(plain.at<cv::Vec3b>(under))[0] - 3);  // shadow
    options.gradient = false;
    options.shadow_strength = 0;
    const cv::Mat solid = render_studio_backdrop(placed, options);
    QCOMPARE(solid.at<cv::Vec3b>(239, 319), options.colour);
  }

  void edgeMapStaysNearTheProduct() {
    const auto placed = placed_product();
    cv::Mat noisy_background(placed.mask.size(), CV_8UC3);
    cv::randu(noisy_background, cv::Scalar::all(0), cv::Scalar::all(255));
    const cv::Mat canvas = composite_product(placed, noisy_background);
    EdgeMapOptions options;
    const cv::Mat edges = edge_map(canvas, placed.mask, options);
    cv::Mat near;
    cv::dilate(placed.mask, near, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(7, 7)));
    QVERIFY(cv::countNonZero(edges) > 100);
    QCOMPARE(cv::countNonZero(edges & ~near), 0);

    // Automatic thresholds follow the median; set ones are used as given.
    const auto [low, high] = edge_thresholds(canvas, placed.mask, options);
    QVERIFY(low < high);
    options.low_threshold = 250;
    options.high_threshold = 255;
    QVERIFY(cv::countNonZero(edge_map(canvas, placed.mask, options)) < cv::countNonZero(edges));
  }

  void paletteFindsTheProductColoursAndHarmonies() {
    cv::Mat photo(100, 100, CV_8UC3, cv::Scalar(255, 255, 255));
    photo(cv::Rect(10, 10, 80, 50)).setTo(cv::Scalar(30, 30, 200));  // red, 4000 px
    photo(cv::Rect(10, 60, 80, 25)).setTo(cv::Scalar(90, 30, 20));   // navy, 2000 px
    cv::Mat mask(100, 100, CV_8UC1, cv::Scalar(0));
    mask(cv::Rect(10, 10, 80, 75)).setTo(255);
    const auto palette = extract_palette(photo, mask, 2);
    QCOMPARE(palette.dominant.size(), std::size_t{2});
    QVERIFY(std::abs(palette.dominant[0].share - 2.0 / 3) < 0.01);
    QCOMPARE(palette.dominant[0].name, std::string("red"));
    QCOMPARE(palette.dominant[1].name, std::string("navy blue"));
    QCOMPARE(palette.dominant[0].hex, std::string("#c81e1e"));

    QStringList harmonies;
    for (const auto& suggestion : palette.backgrounds) harmonies << QString::fromStdString(suggestion.harmony);
    for (const char* expected : {"complementary", "analogous", "triadic", "neutral"}) QVERIFY(harmonies.contains(expected));
    const double key_hue = hue_degrees(palette.dominant[0].lab);
    const double complement = hue_degrees(palette.backgrounds[0].colour.lab);
    const double difference = std::fmod(std::abs(complement - key_hue) + 360, 360);
    QVERIFY2(std::abs(difference - 180) < 25, qPrintable(QString::number(difference)));
    QVERIFY(palette_json(palette).find("\"harmony\": \"complementary\"") != std::string::npos);
  }

  void colourNamesAreNearestInLab() {
    QCOMPARE(colour_name(lab_of(cv::Vec3b(250, 250, 250))), std::string("white"));
    QCOMPARE(colour_name(lab_of(cv::Vec3b(20, 200, 250))), std::string("yellow"));
    QCOMPARE(colour_name(lab_of(cv::Vec3b(60, 120, 40))), std::string("forest green"));
  }
};

QTEST_APPLESS_MAIN(RenderingTest)
#include "rendering_test.moc"
