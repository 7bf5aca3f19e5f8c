// libFuzzer target for product photos: decode_image (the bytes load_image reads from a catalogue's
// image file: JPEG, PNG or WebP, 8 or 16 bit, with alpha, turned upright by its EXIF orientation)
// and read_exif_orientation on the raw bytes as each container. Only ImageError may come out; an
// image that loads is 8-bit BGR with a matching alpha, and an orientation is always 1..8.

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/imaging/exif_orientation.h"
#include "core/imaging/image_error.h"
#include "core/imaging/image_io.h"
#include "fuzz_support.h"

using namespace backdrop::imaging;
using backdrop::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  for (const auto format : {ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::Webp}) {
    const int orientation = read_exif_orientation(bytes, format);
    require(orientation >= 1 && orientation <= 8);
  }
  backdrop::fuzz::expect_only<ImageError>([&] {
    const auto image = decode_image(bytes, "fuzz-input");
    require(image.bgr.type() == CV_8UC3 && !image.bgr.empty());
    require(!image.has_alpha() || (image.alpha.type() == CV_8UC1 && image.alpha.size() == image.bgr.size()));
  });
  return 0;
}
