#include "core/imaging/image_io.h"

#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/common/file_write.h"
#include "core/imaging/exif_orientation.h"
#include "core/imaging/image_error.h"

namespace backdrop::imaging {
namespace {

std::vector<uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ImageError(path.string() + ": cannot open the file");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// 16-bit samples keep their top byte (65535 -> 255) so that 8- and 16-bit files look the same.
cv::Mat to_8bit(const cv::Mat& decoded) {
  if (decoded.depth() == CV_8U) return decoded;
  if (decoded.depth() != CV_16U) {
    throw ImageError("unsupported sample type (only 8- and 16-bit images are read)");
  }
  cv::Mat out;
  decoded.convertTo(out, CV_8U, 1.0 / 257.0);
  return out;
}

void split_colour_and_alpha(const cv::Mat& decoded, LoadedImage& image) {
  switch (decoded.channels()) {
    case 1: cv::cvtColor(decoded, image.bgr, cv::COLOR_GRAY2BGR); break;
    case 3: image.bgr = decoded; break;
    case 4: {
      cv::cvtColor(decoded, image.bgr, cv::COLOR_BGRA2BGR);
      cv::Mat alpha;
      cv::extractChannel(decoded, alpha, 3);
      double min_alpha = 0;
      cv::minMaxLoc(alpha, &min_alpha);
      if (min_alpha < 255) image.alpha = alpha;  // an all-opaque alpha carries no cut-out
      break;
    }
    default: throw ImageError("unsupported channel count " + std::to_string(decoded.channels()));
  }
}

// Refuses an image whose header declares more pixels than kMaxImagePixels before it is decoded: a
// 488-byte JPEG declaring 12048x14895 pixels took 540 MB and 30 s to decode and turn. A header
// without a size is refused too: OpenCV picks its decoder by its own signatures, and handed a
// "RIFF....WEBPVP4L" file it chose the DICOM reader, which allocated 2.8 GB (both found by
// fuzz_image).
void check_declared_size(std::span<const uint8_t> bytes, ImageFormat format, const std::filesystem::path& source) {
  const auto size = declared_size(bytes, format);
  if (!size) {
    throw ImageError(source.string() + ": the " + std::string(format_name(format)) +
                     " header does not give the image size");
  }
  if (uint64_t{size->width} * size->height > kMaxImagePixels) {
    throw ImageError(source.string() + ": " + std::to_string(size->width) + "x" + std::to_string(size->height) +
                     " pixels is more than the " + std::to_string(kMaxImagePixels / 1000000) +
                     " megapixels a product photo may have");
  }
}

}  // namespace

LoadedImage decode_image(std::span<const uint8_t> bytes, const std::filesystem::path& source) {
  LoadedImage image;
  image.format = identify_complete_image(bytes, source);
  check_declared_size(bytes, image.format, source);
  const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8U, const_cast<uint8_t*>(bytes.data()));
  cv::Mat decoded;
  try {
    decoded = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& error) {
    throw ImageError(source.string() + ": cannot decode the " + std::string(format_name(image.format)) +
                     " data: " + error.what());
  }
  if (decoded.empty()) {
    throw ImageError(source.string() + ": cannot decode the " + std::string(format_name(image.format)) + " data");
  }
  try {
    split_colour_and_alpha(to_8bit(decoded), image);
  } catch (const ImageError& error) {
    throw ImageError(source.string() + ": " + error.what());
  }
  image.exif_orientation = read_exif_orientation(bytes, image.format);
  image.bgr = apply_exif_orientation(image.bgr, image.exif_orientation);
  if (image.has_alpha()) image.alpha = apply_exif_orientation(image.alpha, image.exif_orientation);
  return image;
}

LoadedImage load_image(const std::filesystem::path& path) {
  const auto bytes = read_file(path);
  return decode_image(bytes, path);
}

void write_image(const std::filesystem::path& path, const cv::Mat& image) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  // Encoded in memory and written with every write checked: cv::imwrite reports success for a file
  // cut short by a full disk. Replaced whole, so a failure keeps the previous file.
  std::vector<uchar> bytes;
  bool encoded = false;
  try {
    encoded = cv::imencode(path.extension().string(), image, bytes);
  } catch (const cv::Exception& error) {
    throw ImageError(path.string() + ": cannot write the image: " + error.what());
  }
  if (!encoded) throw ImageError(path.string() + ": cannot write the image");
  try {
    replace_file(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  } catch (const FileWriteError& error) {
    throw ImageError(error.what());
  }
}

}  // namespace backdrop::imaging
