// Placements, layout rules and positioning: sizes, anchors, resampling only, upscale warnings.

#include <QtTest>

#include <opencv2/imgproc.hpp>

#include "core/imaging/image_error.h"
#include "core/imaging/layout_rules.h"
#include "core/imaging/placement.h"

using namespace backdrop::imaging;

namespace {

// A textured 200x300 product on a 400x500 photo, with its segmentation.
struct Photo {
  cv::Mat bgr;
  Segmentation segmentation;
};

Photo textured_product() {
  Photo photo;
  photo.bgr = cv::Mat(500, 400, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::Mat texture(300, 200, CV_8UC3);
  cv::randu(texture, cv::Scalar::all(0), cv::Scalar::all(255));
  texture.copyTo(photo.bgr(cv::Rect(100, 100, 200, 300)));
  cv::Mat mask(500, 400, CV_8UC1, cv::Scalar(0));
  mask(cv::Rect(100, 100, 200, 300)).setTo(255);
  photo.segmentation = segment_from_alpha(mask);
  return photo;
}

}  // namespace

class PlacementTest : public QObject {
  Q_OBJECT

 private slots:
  void defaultPlacementsAreTheSevenAdSizes() {
    const auto placements = default_placements();
    QCOMPARE(placements.size(), std::size_t{7});
    QCOMPARE(placements[1].width, 1200);
    QCOMPARE(placements[1].height, 628);
    QCOMPARE(placements[5].id, std::string("leaderboard"));
  }

  void parsesPlacementLists() {
    const auto placements = parse_placements("square, 640x480, banner=970x250");
    QCOMPARE(placements.size(), std::size_t{3});
    QCOMPARE(placements[0].width, 1080);
    QCOMPARE(placements[1].id, std::string("640x480"));
    QCOMPARE(placements[2].id, std::string("banner"));
    QCOMPARE(placements[2].height, 250);
    QVERIFY_THROWS_EXCEPTION(ImageError, parse_placements("billboard"));
    QVERIFY_THROWS_EXCEPTION(ImageError, parse_placements("x=12"));
  }

  void layoutRulesFromJson() {
    const auto rules = parse_layout_rules(
        R"({"default": {"fill": 0.5, "margin": 0.1}, "categories": {"footwear": {"anchor": "floor", "floor_line": 0.8}}})",
        "test.json");
    QCOMPARE(rules.defaults.fill, 0.5);
    const auto& footwear = rules.for_category("footwear");
    QCOMPARE(footwear.anchor, Anchor::Floor);
    QCOMPARE(footwear.fill, 0.5);  // inherited
    QCOMPARE(rules.for_category("unknown").anchor, Anchor::Center);
    try {
      parse_layout_rules(R"({"categories": {"bags": {"fill": 3}}})", "bad.json");
      QFAIL("expected an error");
    } catch (const ImageError& error) {
      QVERIFY(std::string(error.what()).find("bad.json: categories.bags.fill") != std::string::npos);
    }
  }

  void theShippedRulesLoad() {
    const auto rules = load_layout_rules("resources/layouts/default.json");
    QCOMPARE(rules.for_category("furniture").anchor, Anchor::Floor);
    QCOMPARE(rules.for_category("footwear").anchor, Anchor::Floor);
    QCOMPARE(rules.for_category("beauty").anchor, Anchor::Center);
  }

  void centredProductIsOnlyResampled() {
    const auto photo = textured_product();
    LayoutRule rule;
    rule.fill = 0.5;
    rule.margin = 0;
    const Placement square{"square", 600, 600};
    const auto placed = place_product(photo.bgr, photo.segmentation, square, rule);
    QCOMPARE(placed.transform.scale, 1.0);  // 0.5 * 600 / 300
    const cv::Rect box = placed.transform.canvas_box;
    QCOMPARE(box.size(), cv::Size(200, 300));
    QCOMPARE(box.x, 200);
    QCOMPARE(box.y, 150);
    // Scale 1: the product's pixels arrive untouched.
    QCOMPARE(cv::norm(placed.product(box), photo.bgr(cv::Rect(100, 100, 200, 300)), cv::NORM_INF), 0.0);
    QCOMPARE(cv::countNonZero(placed.mask != (placed.alpha >= 128)), 0);
  }

  void downscaledProductMatchesAreaResampling() {
    const auto photo = textured_product();
    LayoutRule rule;
    rule.fill = 0.5;
    rule.margin = 0;
    const auto placed = place_product(photo.bgr, photo.segmentation, {"small", 300, 300}, rule);
    QCOMPARE(placed.transform.scale, 0.5);
    cv::Mat expected;
    cv::resize(photo.bgr(cv::Rect(100, 100, 200, 300)), expected, cv::Size(100, 150), 0, 0, cv::INTER_AREA);
    const cv::Rect box = placed.transform.canvas_box;
    QCOMPARE(box.size(), cv::Size(100, 150));
    // Inner pixels (away from the crop padding) equal plain area resampling of the product.
    const cv::Rect inner(box.x + 2, box.y + 2, box.width - 4, box.height - 4);
    QVERIFY(cv::norm(placed.product(inner), expected(cv::Rect(2, 2, 96, 146)), cv::NORM_INF) <= 1.0);
  }

  void floorAnchorStandsOnTheLine() {
    const auto photo = textured_product();
    LayoutRule rule;
    rule.anchor = Anchor::Floor;
    rule.floor_line = 0.9;
    const auto placed = place_product(photo.bgr, photo.segmentation, {"wide", 1200, 628}, rule);
    const cv::Rect box = placed.transform.canvas_box;
    QVERIFY(std::abs(box.y + box.height - 0.9 * 628) <= 1.5);
    QVERIFY(std::abs(box.x + box.width / 2.0 - 600) <= 1.5);
  }

  void upscaleBeyondTheLimitWarns() {
    const auto photo = textured_product();
    LayoutRule rule;
    rule.max_upscale = 2.0;
    const auto placed = place_product(photo.bgr, photo.segmentation, {"story", 1080, 1920}, rule);
    QCOMPARE(placed.transform.scale, 2.0);
    QCOMPARE(placed.warnings.size(), std::size_t{1});
    QVERIFY(placed.warnings[0].find("limited to 2.0x") != std::string::npos);
  }

  // A placement's own position: the scale fills that share of the canvas on the product's limiting
  // side (no margin), and the centre lands where x and y say.
  void aPlacementsPositionOverridesTheRule() {
    const auto photo = textured_product();  // a 200x300 box
    LayoutRule rule;
    rule.anchor = Anchor::Floor;
    Placement placement{"left", 600, 600, {0.25, std::nullopt, 0.5}};
    const auto placed = place_product(photo.bgr, photo.segmentation, placement, rule);
    QCOMPARE(placed.transform.scale, 1.0);  // 0.5 * 600 / 300
    const cv::Rect box = placed.transform.canvas_box;
    QCOMPARE(box.size(), cv::Size(200, 300));
    QCOMPARE(box.x + box.width / 2, 150);  // x = 0.25
    // y unset: the floor rule's bottom line (0.85 of 600) still holds.
    QVERIFY(std::abs(box.y + box.height - 0.85 * 600) <= 1.5);
    QVERIFY(placed.warnings.empty());

    placement.position = {std::nullopt, 0.4, std::nullopt};  // only y: the rule's fill and centring
    const auto rule_sized = place_product(photo.bgr, photo.segmentation, placement, LayoutRule{});
    const auto by_rule = place_product(photo.bgr, photo.segmentation, {"left", 600, 600}, LayoutRule{});
    QCOMPARE(rule_sized.transform.scale, by_rule.transform.scale);
    QCOMPARE(rule_sized.transform.canvas_box.x, by_rule.transform.canvas_box.x);
    QVERIFY(std::abs(rule_sized.transform.canvas_box.y + rule_sized.transform.canvas_box.height / 2.0 - 240) <= 1.5);
    QVERIFY(rule_sized.warnings.empty());
  }

  // A centre too near an edge would cut the product off: it is moved inward, whole, with a warning.
  void aPositionNeverCutsTheProductOff() {
    const auto photo = textured_product();
    const Placement corner{"corner", 600, 600, {1.0, 0.0, 0.5}};
    const auto placed = place_product(photo.bgr, photo.segmentation, corner, LayoutRule{});
    const cv::Rect box = placed.transform.canvas_box;
    QCOMPARE(box.size(), cv::Size(200, 300));
    QCOMPARE(box.x + box.width, 600);
    QCOMPARE(box.y, 0);
    QCOMPARE(placed.warnings.size(), std::size_t{1});
    QVERIFY(placed.warnings[0].find("corner: the product's position would cut it off") != std::string::npos);
    try {
      place_product(photo.bgr, photo.segmentation, {"big", 600, 600, {std::nullopt, std::nullopt, 1.5}}, LayoutRule{});
      QFAIL("a scale above 1 was accepted");
    } catch (const ImageError& error) {
      QVERIFY2(std::string(error.what()).find("placement 'big': scale 1.5 is outside (0, 1]") != std::string::npos,
               error.what());
    }
  }

  void emptyMaskIsAnError() {
    const auto photo = textured_product();
    const auto empty = segment_from_alpha(cv::Mat::zeros(500, 400, CV_8UC1));
    QVERIFY_THROWS_EXCEPTION(ImageError, place_product(photo.bgr, empty, {"square", 100, 100}, LayoutRule{}));
  }
};

QTEST_APPLESS_MAIN(PlacementTest)
#include "placement_test.moc"
