#pragma once
// Reading product photos: JPEG, PNG (8 or 16 bit, palette, grey, with or without alpha) and WebP,
// turned upright by their EXIF orientation, as 8-bit sRGB BGR plus an optional alpha channel.
// Colour values are kept as stored (sRGB); no colour management is applied.

#include <cstdint>
#include <filesystem>
#include <span>

#include <opencv2/core.hpp>

#include "core/imaging/image_format.h"

namespace backdrop::imaging {

struct LoadedImage {
  cv::Mat bgr;    // CV_8UC3, upright
  cv::Mat alpha;  // CV_8UC1 when the file has a real alpha channel (not all opaque), else empty
  ImageFormat format = ImageFormat::Jpeg;
  int exif_orientation = 1;  // the orientation that was applied (1 = none)

  bool has_alpha() const { return !alpha.empty(); }
};

// The most pixels a photo may have: 64 megapixels (8000x8000) is beyond any product photo, and
// bounds what a few bytes of header can make the decoder allocate.
inline constexpr uint64_t kMaxImagePixels = 64'000'000;

// Throws ImageError (with the path) for unreadable, non-image, truncated or undecodable files, and
// for images with more than kMaxImagePixels.
LoadedImage load_image(const std::filesystem::path& path);

// Same, from bytes already in memory; `source` names them in errors.
LoadedImage decode_image(std::span<const uint8_t> bytes, const std::filesystem::path& source);

// Writes an image (PNG, JPEG or WebP by extension), creating parent folders; throws ImageError.
void write_image(const std::filesystem::path& path, const cv::Mat& image);

}  // namespace backdrop::imaging
