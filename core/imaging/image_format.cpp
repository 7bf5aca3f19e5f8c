#include "core/imaging/image_format.h"

#include <algorithm>
#include <array>
#include <string>

#include "core/imaging/byte_order.h"
#include "core/imaging/image_error.h"

namespace backdrop::imaging {
namespace {

bool starts_with(std::span<const uint8_t> bytes, std::span<const uint8_t> prefix, size_t offset = 0) {
  return bytes.size() >= offset + prefix.size() && std::equal(prefix.begin(), prefix.end(), bytes.begin() + offset);
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

// The first start-of-frame segment before the scan data (SOF0..SOF15 but DHT, JPG and DAC). Bytes
// between segments are skipped up to the next marker, as libjpeg skips them.
std::optional<DeclaredSize> jpeg_size(std::span<const uint8_t> bytes) {
  size_t offset = 2;
  while (offset + 9 <= bytes.size()) {
    const uint8_t marker = bytes[offset + 1];
    if (bytes[offset] != 0xFF || marker == 0xFF || marker == 0x00) {  // not a marker yet, or a fill byte
      ++offset;
      continue;
    }
    if (marker == 0xDA || marker == 0xD9) break;  // scan data or the end: no frame header
    if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {  // markers without a length
      offset += 2;
      continue;
    }
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
      return DeclaredSize{read_be16(bytes.data() + offset + 7), read_be16(bytes.data() + offset + 5)};
    }
    offset += 2 + read_be16(bytes.data() + offset + 2);
  }
  return std::nullopt;
}

// IHDR is the first chunk: width and height right after its type.
std::optional<DeclaredSize> png_size(std::span<const uint8_t> bytes) {
  if (bytes.size() < 24 || !std::equal(bytes.begin() + 12, bytes.begin() + 16, "IHDR")) return std::nullopt;
  return DeclaredSize{read_be32(bytes.data() + 16), read_be32(bytes.data() + 20)};
}

// The first chunk after "RIFF....WEBP": a lossy frame, a lossless bitstream, or the extended
// header with the canvas size.
// The header must also be one libwebp accepts (chunk within the file, VP8's start code, VP8L's
// signature and version 0): when OpenCV's WebP decoder refuses a file, cv::imdecode tries its
// other decoders, and gdcm's DICOM reader aborted on such a file (fuzz_image).
std::optional<DeclaredSize> webp_size(std::span<const uint8_t> bytes) {
  if (bytes.size() < 30) return std::nullopt;
  const std::string_view chunk(reinterpret_cast<const char*>(bytes.data()) + 12, 4);
  if (read_le32(bytes.data() + 16) > bytes.size() - 20) return std::nullopt;
  const uint8_t* payload = bytes.data() + 20;
  if (chunk == "VP8 ") {
    if (payload[3] != 0x9d || payload[4] != 0x01 || payload[5] != 0x2a) return std::nullopt;
    // After the frame tag and start code; the top two bits are a scale, not size.
    return DeclaredSize{read_le16(payload + 6) & 0x3FFF, read_le16(payload + 8) & 0x3FFF};
  }
  if (chunk == "VP8L") {
    const uint32_t bits = read_le32(payload + 1);
    if (payload[0] != 0x2f || (bits >> 29) != 0) return std::nullopt;
    return DeclaredSize{(bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1};
  }
  if (chunk == "VP8X") return DeclaredSize{read_le24(payload + 4) + 1, read_le24(payload + 7) + 1};
  return std::nullopt;
}

}  // namespace

std::optional<DeclaredSize> declared_size(std::span<const uint8_t> bytes, ImageFormat format) {
  switch (format) {
    case ImageFormat::Jpeg: return jpeg_size(bytes);
    case ImageFormat::Png: return png_size(bytes);
    case ImageFormat::Webp: return webp_size(bytes);
  }
  return std::nullopt;
}

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
