#include "core/imaging/colour_palette.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "core/imaging/colour_names.h"
#include "core/imaging/colour_space.h"
#include "core/imaging/image_error.h"

namespace backdrop::imaging {
namespace {

constexpr int kMaxSamples = 20000;    // k-means on a subsample: the palette does not need more
constexpr double kNeutralChroma = 8;  // below this chroma a colour has no usable hue

PaletteColour make_colour(const cv::Vec3b& bgr, double share) {
  PaletteColour colour;
  colour.bgr = bgr;
  colour.lab = lab_of(bgr);
  colour.share = share;
  colour.name = colour_name(colour.lab);
  colour.hex = hex_colour(bgr);
  return colour;
}

double chroma(const cv::Vec3f& lab) { return std::hypot(lab[1], lab[2]); }

PaletteColour from_lch(double lightness, double chroma_value, double hue_degrees) {
  const double hue = hue_degrees * std::numbers::pi / 180.0;
  const cv::Vec3f lab(static_cast<float>(lightness), static_cast<float>(chroma_value * std::cos(hue)),
                      static_cast<float>(chroma_value * std::sin(hue)));
  return make_colour(bgr_of(lab), 0);
}

cv::Mat masked_lab_samples(const cv::Mat& bgr, const cv::Mat& mask) {
  const int total = cv::countNonZero(mask);
  if (total == 0) throw ImageError("palette: the product mask is empty");
  const int stride = std::max(1, total / kMaxSamples);
  std::vector<cv::Vec3b> picked;
  int seen = 0;
  for (int y = 0; y < bgr.rows; ++y) {
    const auto* m = mask.ptr<uint8_t>(y);
    const auto* p = bgr.ptr<cv::Vec3b>(y);
    for (int x = 0; x < bgr.cols; ++x) {
      if (m[x] && seen++ % stride == 0) picked.push_back(p[x]);
    }
  }
  const cv::Mat lab = bgr_to_lab(cv::Mat(picked, true).reshape(3, static_cast<int>(picked.size())));
  return lab.reshape(1, static_cast<int>(picked.size()));  // N x 3 floats for cv::kmeans
}

std::vector<PaletteColour> dominant_colours(const cv::Mat& samples, int colours) {
  const int k = std::min(colours, samples.rows);
  cv::Mat labels, centres;
  cv::setRNGSeed(20240601);  // k-means++ seeding draws from OpenCV's RNG: fix it for repeatable palettes
  cv::kmeans(samples, k, labels, cv::TermCriteria(cv::TermCriteria::EPS | cv::TermCriteria::COUNT, 30, 0.5), 3,
             cv::KMEANS_PP_CENTERS, centres);
  std::vector<int> counts(k, 0);
  for (int i = 0; i < labels.rows; ++i) ++counts[labels.at<int>(i)];
  std::vector<PaletteColour> result;
  for (int c = 0; c < k; ++c) {
    if (counts[c] == 0) continue;
    const cv::Vec3f lab(centres.at<float>(c, 0), centres.at<float>(c, 1), centres.at<float>(c, 2));
    result.push_back(make_colour(bgr_of(lab), counts[c] / static_cast<double>(labels.rows)));
  }
  std::sort(result.begin(), result.end(), [](const auto& a, const auto& b) { return a.share > b.share; });
  return result;
}

// Harmonies start from the key colour: the one that carries the most colour (share x chroma).
// A neutral product (black, white, grey) has no hue; warm beige tones are the safe base then.
std::vector<BackgroundSuggestion> harmonies(const std::vector<PaletteColour>& dominant) {
  const auto key = std::max_element(dominant.begin(), dominant.end(), [](const auto& a, const auto& b) {
    return a.share * chroma(a.lab) < b.share * chroma(b.lab);
  });
  const bool neutral_product = chroma(key->lab) < kNeutralChroma;
  const double hue = neutral_product ? 70.0 : std::atan2(key->lab[2], key->lab[1]) * 180.0 / std::numbers::pi;
  double product_lightness = 0;
  for (const auto& colour : dominant) product_lightness += colour.share * colour.lab[0];

  // Backdrops are soft: light pastels behind dark or mid products, deeper tones behind light ones.
  const bool light_product = product_lightness > 70;
  const double lightness = light_product ? 45 : 84;
  const double backdrop_chroma = light_product ? 32 : 24;
  return {
      {"complementary", from_lch(lightness, backdrop_chroma, hue + 180)},
      {"analogous", from_lch(lightness, backdrop_chroma, hue + 30)},
      {"analogous", from_lch(lightness, backdrop_chroma, hue - 30)},
      {"triadic", from_lch(lightness, backdrop_chroma, hue + 120)},
      {"triadic", from_lch(lightness, backdrop_chroma, hue - 120)},
      {"neutral", from_lch(light_product ? 32 : 93, 4, hue)},
  };
}

nlohmann::json colour_json(const PaletteColour& colour) {
  return {{"hex", colour.hex},
          {"name", colour.name},
          {"share", std::round(colour.share * 1000) / 1000},
          {"lab", {std::round(colour.lab[0] * 10) / 10, std::round(colour.lab[1] * 10) / 10,
                   std::round(colour.lab[2] * 10) / 10}}};
}

}  // namespace

Palette extract_palette(const cv::Mat& bgr, const cv::Mat& mask, int colours) {
  if (bgr.type() != CV_8UC3 || mask.type() != CV_8UC1 || bgr.size() != mask.size()) {
    throw ImageError("palette: expected an 8-bit colour image and a mask of the same size");
  }
  Palette palette;
  palette.dominant = dominant_colours(masked_lab_samples(bgr, mask), std::max(1, colours));
  palette.backgrounds = harmonies(palette.dominant);
  return palette;
}

std::string palette_json(const Palette& palette) {
  nlohmann::json document;
  document["dominant"] = nlohmann::json::array();
  for (const auto& colour : palette.dominant) document["dominant"].push_back(colour_json(colour));
  document["backgrounds"] = nlohmann::json::array();
  for (const auto& suggestion : palette.backgrounds) {
    auto entry = colour_json(suggestion.colour);
    entry.erase("share");
    entry["harmony"] = suggestion.harmony;
    document["backgrounds"].push_back(entry);
  }
  return document.dump(2);
}

}  // namespace backdrop::imaging
