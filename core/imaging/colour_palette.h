#pragma once
// The product's dominant colours (k-means in CIELAB over its masked pixels) and background
// colours that go with them by colour harmony, each with a name for prompts.

#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace backdrop::imaging {

struct PaletteColour {
  cv::Vec3b bgr;
  cv::Vec3f lab;
  double share = 0;   // of the product's pixels (dominant colours); 0 for suggestions
  std::string name;   // e.g. "navy blue"
  std::string hex;    // "#1e2a5a"
};

struct BackgroundSuggestion {
  std::string harmony;  // complementary, analogous, triadic, neutral
  PaletteColour colour;
};

struct Palette {
  std::vector<PaletteColour> dominant;            // largest share first
  std::vector<BackgroundSuggestion> backgrounds;  // one or two per harmony
};

// `bgr` CV_8UC3, `mask` CV_8UC1 of the same size; deterministic for the same input.
// Throws ImageError when the mask is empty.
Palette extract_palette(const cv::Mat& bgr, const cv::Mat& mask, int colours = 5);

// {"dominant": [...], "backgrounds": [...]} with hex, name, share, Lab.
std::string palette_json(const Palette& palette);

}  // namespace backdrop::imaging
