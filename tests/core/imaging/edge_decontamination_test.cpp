// Edge decontamination at paste-back: a product photographed on grey (or a colour) and pasted on
// another colour keeps no halo of the old backdrop along its outline, and its interior pixels are
// pasted unchanged.

#include <QtTest>

#include <opencv2/imgproc.hpp>

#include "core/imaging/compositing.h"
#include "core/imaging/edge_decontamination.h"

using namespace backdrop::imaging;

namespace {

// A product of one colour with a soft edge over `old_backdrop`: the photo mixes them by alpha.
struct Shot {
  PlacedProduct placed;
  cv::Mat alpha;  // CV_32FC1 0..1, the true coverage
};

Shot photograph(const cv::Scalar& product, const cv::Scalar& old_backdrop) {
  const cv::Size size(160, 140);
  cv::Mat coverage(size, CV_8UC1, cv::Scalar(0));
  cv::ellipse(coverage, cv::Point(80, 70), cv::Size(50, 40), 15, 0, 360, cv::Scalar(255), cv::FILLED);
  cv::GaussianBlur(coverage, coverage, cv::Size(), 1.5);  // a soft edge a few pixels wide
  Shot shot;
  coverage.convertTo(shot.alpha, CV_32FC1, 1.0 / 255.0);
  cv::Mat alpha3;
  cv::merge(std::vector<cv::Mat>(3, shot.alpha), alpha3);
  const cv::Mat front(size, CV_32FC3, product), back(size, CV_32FC3, old_backdrop);
  cv::Mat photo = front.mul(alpha3) + back.mul(cv::Scalar::all(1.0) - alpha3);
  photo.convertTo(shot.placed.product, CV_8UC3);
  shot.placed.alpha = coverage;
  shot.placed.mask = coverage >= 128;
  shot.placed.placement = {"test", size.width, size.height};
  return shot;
}

// The product as it would look photographed on `backdrop` in the first place.
cv::Mat ideal(const Shot& shot, const cv::Scalar& product, const cv::Scalar& backdrop) {
  cv::Mat alpha3;
  cv::merge(std::vector<cv::Mat>(3, shot.alpha), alpha3);
  const cv::Mat front(shot.alpha.size(), CV_32FC3, product), back(shot.alpha.size(), CV_32FC3, backdrop);
  cv::Mat out = front.mul(alpha3) + back.mul(cv::Scalar::all(1.0) - alpha3);
  out.convertTo(out, CV_8UC3);
  return out;
}

// Mean colour error against the ideal in the blended band, with and without decontamination.
std::pair<double, double> band_errors(const cv::Scalar& product, const cv::Scalar& old_backdrop,
                                      const cv::Scalar& new_backdrop) {
  const Shot shot = photograph(product, old_backdrop);
  const cv::Mat background(shot.alpha.size(), CV_8UC3, new_backdrop);
  const cv::Mat weight = compositing_weight(shot.placed);
  const cv::Mat band = (weight > 0) & (weight < 255);
  const cv::Mat want = ideal(shot, product, new_backdrop);

  const cv::Mat decontaminated = composite_product(shot.placed, background);
  cv::Mat naive(background.size(), CV_8UC3);  // the photo's own edge pixels blended in
  cv::Mat weight3, product_f, background_f;
  cv::merge(std::vector<cv::Mat>(3, weight), weight3);
  weight3.convertTo(weight3, CV_32FC3, 1.0 / 255.0);
  shot.placed.product.convertTo(product_f, CV_32FC3);
  background.convertTo(background_f, CV_32FC3);
  cv::Mat mixed = product_f.mul(weight3) + background_f.mul(cv::Scalar::all(1.0) - weight3);
  mixed.convertTo(naive, CV_8UC3);

  auto error = [&](const cv::Mat& out) {
    cv::Mat difference;
    cv::absdiff(out, want, difference);
    return cv::mean(difference, band)[0] + cv::mean(difference, band)[1] + cv::mean(difference, band)[2];
  };
  return {error(naive), error(decontaminated)};
}

}  // namespace

class EdgeDecontaminationTest : public QObject {
  Q_OBJECT

 private slots:
  void interiorPixelsAreUnchanged() {
    const Shot shot = photograph(cv::Scalar(40, 40, 200), cv::Scalar(128, 128, 128));
    const cv::Mat weight = compositing_weight(shot.placed);
    const cv::Mat cleaned = decontaminate_edges(shot.placed.product, weight);
    QVERIFY(cv::countNonZero(weight == 255) > 3000);
    QCOMPARE(cv::norm(cleaned, shot.placed.product, cv::NORM_INF, weight == 255), 0.0);
    QCOMPARE(cv::norm(cleaned, shot.placed.product, cv::NORM_INF, weight == 0), 0.0);
    // And the composite carries them bit for bit.
    const cv::Mat out = composite_product(shot.placed, cv::Mat(weight.size(), CV_8UC3, cv::Scalar(200, 30, 30)));
    QCOMPARE(cv::norm(out, shot.placed.product, cv::NORM_INF, weight == 255), 0.0);
  }

  void greyHaloIsRemovedOnAColouredScene() {
    // A red product shot on grey, pasted on blue: the naive edge shows a grey rim.
    const auto [naive, cleaned] =
        band_errors(cv::Scalar(40, 40, 200), cv::Scalar(128, 128, 128), cv::Scalar(200, 60, 20));
    std::printf("grey -> blue: band error %.1f naive, %.1f decontaminated (sum over channels)\n", naive, cleaned);
    QVERIFY(naive > 20);
    QVERIFY2(cleaned < 0.3 * naive, "the halo is not reduced enough");
  }

  void colouredBackdropHaloIsRemoved() {
    // A white product shot on a saturated green studio sweep, pasted on light grey.
    const auto [naive, cleaned] =
        band_errors(cv::Scalar(245, 245, 245), cv::Scalar(40, 180, 40), cv::Scalar(225, 225, 225));
    std::printf("green -> grey: band error %.1f naive, %.1f decontaminated (sum over channels)\n", naive, cleaned);
    QVERIFY(naive > 20);
    QVERIFY2(cleaned < 0.3 * naive, "the halo is not reduced enough");
  }
};

QTEST_APPLESS_MAIN(EdgeDecontaminationTest)
#include "edge_decontamination_test.moc"
