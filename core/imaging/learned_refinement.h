#pragma once
// The learned mask combined with the classical one where that helps:
//   - on a plain backdrop where both agree, the classical mask (its edge follows the pixels, the
//     learned one is upsampled from a few hundred pixels) with the higher confidence of the two;
//   - otherwise the learned mask with its outline re-decided by GrabCut on the photo, less trusted
//     when the classical segmenter found a different product on a plain backdrop.

#include "core/imaging/segmentation.h"

namespace backdrop::imaging {

// `learned` and `plain` are the two segmenters' results for `bgr` (CV_8UC3).
Segmentation combine_with_classical(const cv::Mat& bgr, const Segmentation& learned, const Segmentation& plain);

}  // namespace backdrop::imaging
