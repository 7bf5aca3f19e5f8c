#pragma once
// Edge decontamination for the paste-back: in the soft edge band a pixel of the photo is a mix of
// the product and the old backdrop, I = a F + (1 - a) B. Pasting I over a new scene would carry a
// halo of the old backdrop along the outline, so the band's colours are replaced by estimates of
// F: B is taken from the backdrop pixels nearby, and F solved from I, a and B (or, where a is too
// small for that to be stable, taken from the product pixels nearby). Pixels of full weight are
// never touched: the product's interior is pasted bit for bit.

#include <opencv2/core.hpp>

namespace backdrop::imaging {

// `product` is CV_8UC3 (the placed photo; pixels outside the photo are pure black and ignored),
// `weight` CV_8UC1 the compositing weight (255 = product, 0 = backdrop). Returns a copy of
// `product` whose pixels with 0 < weight < 255 hold the estimated foreground colour.
cv::Mat decontaminate_edges(const cv::Mat& product, const cv::Mat& weight);

}  // namespace backdrop::imaging
