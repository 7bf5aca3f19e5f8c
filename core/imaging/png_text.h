#pragma once
// PNG files that carry text: Backdrop writes every generated image's parameters into its tEXt /
// iTXt chunks (as Stable Diffusion tools do), so an image can be re-made from its file alone.

#include <filesystem>
#include <map>
#include <string>

#include <opencv2/core.hpp>

namespace backdrop::imaging {

// Writes an 8-bit BGR (CV_8UC3) or BGRA (CV_8UC4) image as PNG with UTF-8 text entries, through a
// temporary file renamed into place. Throws ImageError naming the file.
void write_png_with_text(const std::filesystem::path& path, const cv::Mat& image,
                         const std::map<std::string, std::string>& text);

// The text entries of a PNG file (tEXt, zTXt and iTXt). Throws ImageError for a file that is not a
// readable PNG.
std::map<std::string, std::string> read_png_text(const std::filesystem::path& path);

}  // namespace backdrop::imaging
