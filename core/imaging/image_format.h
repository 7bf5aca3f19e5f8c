#pragma once
// Recognises an image file by its signature and checks that its container is complete, so a
// truncated download is reported instead of being decoded into a half-grey picture.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string_view>

namespace backdrop::imaging {

enum class ImageFormat { Jpeg, Png, Webp };

std::string_view format_name(ImageFormat format);

// Throws ImageError naming `source` when the bytes are not a JPEG, PNG or WebP file, or when the
// container ends early (JPEG without its end marker, PNG without IEND, WebP shorter than its RIFF
// header says).
ImageFormat identify_complete_image(std::span<const uint8_t> bytes, const std::filesystem::path& source);

// The pixel size the header declares (PNG IHDR, JPEG SOFn, WebP VP8, VP8L or VP8X), read before any
// pixel is decoded; nullopt when the header does not say (the decoder then decides).
struct DeclaredSize {
  uint32_t width = 0;
  uint32_t height = 0;
};
std::optional<DeclaredSize> declared_size(std::span<const uint8_t> bytes, ImageFormat format);

}  // namespace backdrop::imaging
