#include "core/imaging/exif_orientation.h"

#include <algorithm>
#include <cstring>
#include <optional>

namespace backdrop::imaging {
namespace {

constexpr uint16_t kOrientationTag = 0x0112;

uint16_t read16(const uint8_t* p, bool little_endian) {
  return little_endian ? uint16_t(p[0] | (p[1] << 8)) : uint16_t((p[0] << 8) | p[1]);
}

uint32_t read32(const uint8_t* p, bool little_endian) {
  return little_endian ? uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24)
                       : (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

// Looks up the orientation tag in IFD0 of a TIFF structure ("II*\0" or "MM\0*").
std::optional<int> orientation_from_tiff(std::span<const uint8_t> tiff) {
  if (tiff.size() < 8) return std::nullopt;
  const bool little_endian = tiff[0] == 'I' && tiff[1] == 'I';
  if (!little_endian && !(tiff[0] == 'M' && tiff[1] == 'M')) return std::nullopt;
  const uint32_t ifd = read32(tiff.data() + 4, little_endian);
  if (uint64_t{ifd} + 2 > tiff.size()) return std::nullopt;
  const uint16_t entries = read16(tiff.data() + ifd, little_endian);
  for (uint32_t i = 0; i < entries; ++i) {
    const uint64_t entry = uint64_t{ifd} + 2 + 12 * uint64_t{i};
    if (entry + 12 > tiff.size()) return std::nullopt;
    if (read16(tiff.data() + entry, little_endian) == kOrientationTag) {
      return read16(tiff.data() + entry + 8, little_endian);  // SHORT value, left-justified
    }
  }
  return std::nullopt;
}

// JPEG: the APP1 segment that starts with "Exif\0\0", before the image data (SOS).
std::optional<std::span<const uint8_t>> jpeg_exif(std::span<const uint8_t> bytes) {
  size_t offset = 2;
  while (offset + 4 <= bytes.size() && bytes[offset] == 0xFF) {
    const uint8_t marker = bytes[offset + 1];
    if (marker == 0xDA || marker == 0xD9) break;  // image data starts: no more metadata
    const size_t length = (size_t{bytes[offset + 2]} << 8) | bytes[offset + 3];
    if (length < 2 || offset + 2 + length > bytes.size()) break;
    const auto payload = bytes.subspan(offset + 4, length - 2);
    if (marker == 0xE1 && payload.size() > 6 && std::memcmp(payload.data(), "Exif\0\0", 6) == 0) {
      return payload.subspan(6);
    }
    offset += 2 + length;
  }
  return std::nullopt;
}

// PNG eXIf chunk and WebP EXIF chunk both hold a bare TIFF structure.
std::optional<std::span<const uint8_t>> png_exif(std::span<const uint8_t> bytes) {
  size_t offset = 8;
  while (offset + 12 <= bytes.size()) {
    const size_t length = read32(bytes.data() + offset, false);
    if (offset + 12 + length > bytes.size()) break;
    if (std::memcmp(bytes.data() + offset + 4, "eXIf", 4) == 0) return bytes.subspan(offset + 8, length);
    if (std::memcmp(bytes.data() + offset + 4, "IDAT", 4) == 0) break;
    offset += 12 + length;
  }
  return std::nullopt;
}

std::optional<std::span<const uint8_t>> webp_exif(std::span<const uint8_t> bytes) {
  size_t offset = 12;
  while (offset + 8 <= bytes.size()) {
    const size_t length = read32(bytes.data() + offset + 4, true);
    if (offset + 8 + length > bytes.size()) break;
    if (std::memcmp(bytes.data() + offset, "EXIF", 4) == 0) {
      auto payload = bytes.subspan(offset + 8, length);
      // Some writers keep the JPEG-style "Exif\0\0" prefix.
      if (payload.size() > 6 && std::memcmp(payload.data(), "Exif\0\0", 6) == 0) payload = payload.subspan(6);
      return payload;
    }
    offset += 8 + length + (length & 1);
  }
  return std::nullopt;
}

}  // namespace

int read_exif_orientation(std::span<const uint8_t> bytes, ImageFormat format) {
  std::optional<std::span<const uint8_t>> tiff;
  switch (format) {
    case ImageFormat::Jpeg: tiff = jpeg_exif(bytes); break;
    case ImageFormat::Png: tiff = png_exif(bytes); break;
    case ImageFormat::Webp: tiff = webp_exif(bytes); break;
  }
  if (!tiff) return 1;
  const auto orientation = orientation_from_tiff(*tiff);
  return orientation && *orientation >= 1 && *orientation <= 8 ? *orientation : 1;
}

cv::Mat apply_exif_orientation(const cv::Mat& image, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2: cv::flip(image, out, 1); break;
    case 3: cv::rotate(image, out, cv::ROTATE_180); break;
    case 4: cv::flip(image, out, 0); break;
    case 5: cv::transpose(image, out); break;
    case 6: cv::rotate(image, out, cv::ROTATE_90_CLOCKWISE); break;
    case 7: cv::transpose(image, out); cv::flip(out, out, -1); break;
    case 8: cv::rotate(image, out, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    default: out = image; break;
  }
  return out;
}

}  // namespace backdrop::imaging
