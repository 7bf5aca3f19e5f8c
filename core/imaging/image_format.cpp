#include "core/imaging/image_format.h"

#include <algorithm>
#include <array>
#include <string>

#include "core/imaging/image_error.h"

namespace backdrop::imaging {
namespace {

bool starts_with(std::span<const uint8_t> bytes, std::span<const uint8_t> prefix, size_t offset = 0) {
  return bytes.size() >= offset + prefix.size() && std::equal(prefix.begin(), prefix.end(), bytes.begin() + offset);
}

uint32_t read_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

uint32_t read_le32(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

constexpr std::array<uint8_t, 3> kJpegSignature{0xFF, 0xD8, 0xFF};
constexpr std::array<uint8_t, 8> kPngSignature{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
constexpr std::array<uint8_t, 4> kRiff{'R', 'I', 'F', 'F'};
constexpr std::array<uint8_t, 4> kWebp{'W', 'E', 'B', 'P'};

// A JPEG ends with the EOI marker; encoders and uploads sometimes pad after it with zeros or
// line breaks, which libjpeg ignores too.
bool jpeg_is_complete(std::span<const uint8_t> bytes) {
  size_t end = bytes.size();
  while (end > 0 && (bytes[end - 1] == 0x00 || bytes[end - 1] == '\n' || bytes[end - 1] == '\r' || bytes[end - 1] == ' ')) {
    --end;
  }
  return end >= 4 && bytes[end - 2] == 0xFF && bytes[end - 1] == 0xD9;
}

// Walks the chunk list: every chunk must fit in the file and the list must reach IEND.
bool png_is_complete(std::span<const uint8_t> bytes) {
  size_t offset = kPngSignature.size();
  while (offset + 12 <= bytes.size()) {
    const uint64_t length = read_be32(bytes.data() + offset);
    const bool is_end = std::equal(bytes.begin() + offset + 4, bytes.begin() + offset + 8, "IEND");
    offset += 12 + length;
    if (offset > bytes.size()) return false;
    if (is_end) return true;
  }
  return false;
}

bool webp_is_complete(std::span<const uint8_t> bytes) {
  return bytes.size() >= 12 && uint64_t{read_le32(bytes.data() + 4)} + 8 <= bytes.size();
}

}  // namespace

std::string_view format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::Jpeg: return "JPEG";
    case ImageFormat::Png: return "PNG";
    case ImageFormat::Webp: return "WebP";
  }
  return "unknown";
}

ImageFormat identify_complete_image(std::span<const uint8_t> bytes, const std::filesystem::path& source) {
  ImageFormat format{};
  bool complete = false;
  if (starts_with(bytes, kJpegSignature)) {
    format = ImageFormat::Jpeg;
    complete = jpeg_is_complete(bytes);
  } else if (starts_with(bytes, kPngSignature)) {
    format = ImageFormat::Png;
    complete = png_is_complete(bytes);
  } else if (starts_with(bytes, kRiff) && starts_with(bytes, kWebp, 8)) {
    format = ImageFormat::Webp;
    complete = webp_is_complete(bytes);
  } else {
    throw ImageError(source.string() + ": not a JPEG, PNG or WebP image (unrecognised file signature)");
  }
  if (!complete) {
    throw ImageError(source.string() + ": " + std::string(format_name(format)) +
                     " file is truncated (the image data ends before the end of the image)");
  }
  return format;
}

}  // namespace backdrop::imaging
