// Product photos come from anywhere: the size a header declares is read before decoding, and an
// image with more than kMaxImagePixels is refused with a clear error instead of being decoded
// (finding of fuzz_image: a 488-byte JPEG declaring 12048x14895 pixels).

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "core/imaging/image_error.h"
#include "core/imaging/image_format.h"
#include "core/imaging/image_io.h"

using namespace backdrop::imaging;

namespace {

std::vector<uint8_t> encode(const std::string& extension, const cv::Mat& image, const std::vector<int>& params = {}) {
  std::vector<uint8_t> bytes;
  REQUIRE(cv::imencode(extension, image, bytes, params));
  return bytes;
}

// 16 wide, 12 high.
cv::Mat photo(int type) {
  return cv::Mat(12, 16, type, cv::Scalar(10, 20, 30, 128));
}

void check_size(const std::vector<uint8_t>& bytes, ImageFormat format) {
  const auto size = declared_size(bytes, format);
  REQUIRE(size.has_value());
  CHECK(size->width == 16);
  CHECK(size->height == 12);
}

std::string decode_error(const std::vector<uint8_t>& bytes, const char* name) {
  try {
    (void)decode_image(bytes, name);
  } catch (const ImageError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the declared size is read from every container's header") {
  check_size(encode(".jpg", photo(CV_8UC3)), ImageFormat::Jpeg);
  check_size(encode(".jpg", photo(CV_8UC3), {cv::IMWRITE_JPEG_PROGRESSIVE, 1}), ImageFormat::Jpeg);
  check_size(encode(".png", photo(CV_8UC4)), ImageFormat::Png);
  check_size(encode(".webp", photo(CV_8UC3), {cv::IMWRITE_WEBP_QUALITY, 80}), ImageFormat::Webp);   // VP8
  check_size(encode(".webp", photo(CV_8UC4), {cv::IMWRITE_WEBP_QUALITY, 101}), ImageFormat::Webp);  // VP8L
  check_size(encode(".webp", photo(CV_8UC4), {cv::IMWRITE_WEBP_QUALITY, 80}), ImageFormat::Webp);   // VP8X
  CHECK_FALSE(declared_size(std::vector<uint8_t>{0xFF, 0xD8, 0xFF, 0xD9}, ImageFormat::Jpeg).has_value());
}

TEST_CASE("an image declaring more than 64 megapixels is refused before it is decoded") {
  auto jpeg = encode(".jpg", photo(CV_8UC3));
  for (std::size_t i = 2; i + 9 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) {  // SOF0: height, then width, big-endian
      jpeg[i + 5] = 0x3A, jpeg[i + 6] = 0x2F, jpeg[i + 7] = 0x2F, jpeg[i + 8] = 0x10;
      break;
    }
  }
  CHECK(decode_error(jpeg, "bomb.jpg") ==
        "bomb.jpg: 12048x14895 pixels is more than the 64 megapixels a product photo may have");

  // The fuzzer's second case: bytes inside a segment, so that its length ends on no marker; libjpeg
  // skips to the next marker and decodes, and so must the header check.
  auto padded = jpeg;
  for (std::size_t i = 2; i + 1 < padded.size(); ++i) {
    if (padded[i] == 0xFF && padded[i + 1] == 0xDB) {  // the first quantisation table
      padded.insert(padded.begin() + static_cast<std::ptrdiff_t>(i) + 10, 20, uint8_t{0x9E});
      break;
    }
  }
  CHECK(decode_error(padded, "padded.jpg") ==
        "padded.jpg: 12048x14895 pixels is more than the 64 megapixels a product photo may have");

  auto png = encode(".png", photo(CV_8UC3));
  png[16] = 0, png[17] = 0, png[18] = 0x27, png[19] = 0x10;  // IHDR width 10000
  png[20] = 0, png[21] = 0, png[22] = 0x27, png[23] = 0x10;  // height 10000
  CHECK(decode_error(png, "bomb.png") ==
        "bomb.png: 10000x10000 pixels is more than the 64 megapixels a product photo may have");

  CHECK(decode_image(encode(".png", photo(CV_8UC3)), "photo.png").bgr.cols == 16);
}

TEST_CASE("an image whose header gives no size is refused before any decoder sees it") {
  // fuzz_image: a RIFF/WEBP file whose first chunk is no WebP bitstream made OpenCV fall back to
  // its DICOM reader, which allocated 2.8 GB.
  std::string text = "RIFF____WEBPVP4L";
  text += std::string(40, '\x10');
  std::vector<uint8_t> riff(text.begin(), text.end());
  const auto riff_length = static_cast<uint32_t>(riff.size() - 8);
  for (int i = 0; i < 4; ++i) riff[4 + i] = static_cast<uint8_t>(riff_length >> (8 * i));
  CHECK(decode_error(riff, "odd.webp") == "odd.webp: the WebP header does not give the image size");

  // fuzz_image (10-minute run): a VP8L chunk without its signature, longer than the file. OpenCV's
  // WebP decoder refuses it, and gdcm's DICOM reader then aborted the process.
  const std::vector<uint8_t> no_signature{
      0x52, 0x49, 0x46, 0x46, 0x27, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x4c,
      0x27, 0x0a, 0x1a, 0x08, 0x34, 0x7e, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x32, 0xb6,
      0x6d, 0x0c, 0xfc, 0xdb, 0xb7, 0x76, 0xd1, 0x0a, 0x0a, 0x0a, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x2f, 0x28, 0xff, 0xc0, 0x00, 0x11, 0x26, 0x08, 0x00, 0x0c, 0x00, 0x10, 0x03, 0x01, 0x22, 0x00,
      0x02, 0x11, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3d, 0x2c, 0x45, 0x78, 0x69, 0x64, 0x00, 0x3b,
      0x45, 0x58, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x65, 0x58, 0x49, 0x66, 0xf3, 0xf7, 0xff,
      0xff, 0xff, 0xd8, 0xff, 0x0d, 0x0d, 0x0d, 0x0d, 0x0d, 0x0d, 0x0d, 0x0d, 0x00, 0x01, 0x00, 0x01,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x07, 0xff, 0xdb, 0x00,
      0x44, 0x49, 0x43, 0x4d, 0x04, 0x03, 0x49, 0x44, 0x41, 0x54, 0x00, 0x00, 0x00, 0xbd, 0x0d, 0xf5,
      0x00, 0x01, 0x00,
  };
  CHECK(decode_error(no_signature, "crafted.webp") == "crafted.webp: the WebP header does not give the image size");

  // A JPEG whose frame header was cut out.
  auto jpeg = encode(".jpg", photo(CV_8UC3));
  for (std::size_t i = 2; i + 1 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) {
      jpeg[i + 1] = 0xFE;  // now a comment segment
      break;
    }
  }
  CHECK(decode_error(jpeg, "noframe.jpg") == "noframe.jpg: the JPEG header does not give the image size");
}
