#pragma once
// Recognises an image file by its signature and checks that its container is complete, so a
// truncated download is reported instead of being decoded into a half-grey picture.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

namespace backdrop::imaging {

enum class ImageFormat { Jpeg, Png, Webp };

std::string_view format_name(ImageFormat format);

// Throws ImageError naming `source` when the bytes are not a JPEG, PNG or WebP file, or when the
// container ends early (JPEG without its end marker, PNG without IEND, WebP shorter than its RIFF
// header says).
ImageFormat identify_complete_image(std::span<const uint8_t> bytes, const std::filesystem::path& source);

}  // namespace backdrop::imaging
