#pragma once
// EXIF orientation: cameras store pixels as the sensor saw them and record how to turn them.
// OpenCV's IMREAD_UNCHANGED (needed to keep alpha and 16-bit data) ignores the tag, so we read it
// ourselves and apply it after decoding.

#include <cstdint>
#include <span>

#include <opencv2/core.hpp>

#include "core/imaging/image_format.h"

namespace backdrop::imaging {

// The EXIF orientation (1..8) stored in a JPEG APP1, PNG eXIf or WebP EXIF block; 1 when absent
// or unreadable (a damaged EXIF block never stops an image from loading).
int read_exif_orientation(std::span<const uint8_t> bytes, ImageFormat format);

// Turns decoded pixels upright according to `orientation` (1..8; anything else leaves them).
cv::Mat apply_exif_orientation(const cv::Mat& image, int orientation);

}  // namespace backdrop::imaging
