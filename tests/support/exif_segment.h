#pragma once
// JPEG files with an EXIF orientation, for the image tests and the image fuzzer's seeds.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace backdrop::test {

// A minimal EXIF APP1 segment (big-endian TIFF) holding only the orientation tag.
inline std::vector<uint8_t> exif_app1(uint16_t orientation) {
  const std::vector<uint8_t> tiff = {'M', 'M', 0, 42, 0, 0, 0, 8,  // header, IFD0 at 8
                                     0, 1,                          // one entry
                                     0x01, 0x12, 0, 3, 0, 0, 0, 1,  // orientation, SHORT, count 1
                                     uint8_t(orientation >> 8), uint8_t(orientation & 0xFF), 0, 0,
                                     0, 0, 0, 0};                   // no next IFD
  const std::vector<uint8_t> header = {0xFF, 0xE1, 0, 0, 'E', 'x', 'i', 'f', 0, 0};
  std::vector<uint8_t> segment(header.size() + tiff.size());
  std::copy(tiff.begin(), tiff.end(), std::copy(header.begin(), header.end(), segment.begin()));
  const std::size_t length = segment.size() - 2;
  segment[2] = uint8_t(length >> 8);
  segment[3] = uint8_t(length & 0xFF);
  return segment;
}

// `jpeg` with that segment right after its SOI marker.
inline std::vector<uint8_t> with_exif(std::vector<uint8_t> jpeg, uint16_t orientation) {
  const auto app1 = exif_app1(orientation);
  jpeg.insert(jpeg.begin() + 2, app1.begin(), app1.end());
  return jpeg;
}

}  // namespace backdrop::test
