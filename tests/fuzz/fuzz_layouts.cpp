// libFuzzer target for layouts: parse_layout_rules (what load_layout_rules runs on a rules file)
// and parse_placements (the placements list of the CLI and the project settings) on the same
// input, then place_product with every rule it accepted on a small product, so that any value the
// rules' checks let through is also one placement can use. Only ImageError may come out.

#include <cstddef>
#include <cstdint>
#include <string>

#include <opencv2/core.hpp>

#include "core/imaging/image_error.h"
#include "core/imaging/layout_rules.h"
#include "core/imaging/placement.h"
#include "fuzz_support.h"

using namespace backdrop::imaging;
using backdrop::fuzz::require;

namespace {

// A 24x16 photo whose product is the middle 12x8.
const Segmentation& product() {
  static const Segmentation segmentation = [] {
    Segmentation result;
    result.mask = cv::Mat::zeros(16, 24, CV_8UC1);
    result.mask(cv::Rect(6, 4, 12, 8)).setTo(255);
    result.alpha = result.mask.clone();
    return result;
  }();
  return segmentation;
}

void place(const LayoutRule& rule, const Placement& placement) {
  static const cv::Mat photo(16, 24, CV_8UC3, cv::Scalar(40, 80, 120));
  const auto placed = place_product(photo, product(), placement, rule);
  require(placed.product.cols == placement.width && placed.product.rows == placement.height);
  require(placed.mask.size() == placed.product.size() && placed.alpha.size() == placed.product.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string text(backdrop::fuzz::as_text(data, size));
  backdrop::fuzz::expect_only<ImageError>([&] {
    const auto placements = parse_placements(text);
    for (const auto& placement : placements) require(placement.width >= 16 && placement.height >= 16);
  });
  backdrop::fuzz::expect_only<ImageError>([&] {
    const auto rules = parse_layout_rules(text, "fuzz.json");
    const Placement small{"medium-rectangle", 300, 250};
    place(rules.defaults, small);
    for (const auto& [category, rule] : rules.categories) place(rule, small);
  });
  return 0;
}
