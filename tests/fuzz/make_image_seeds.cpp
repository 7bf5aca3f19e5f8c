// Writes the binary seeds of fuzz_image and fuzz_variant_record, made from code so that nothing
// binary is committed: usage `make_image_seeds <corpus folder>` writes <corpus>/image/ (small
// JPEG, PNG and WebP files: grey, colour, alpha, 16-bit, with EXIF orientations) and
// <corpus>/variant_record/ (PNGs carrying a variant record, as the generators write them).

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/backgrounds/variant_png_record.h"
#include "core/imaging/png_text.h"
#include "tests/support/exif_segment.h"

namespace fs = std::filesystem;

namespace {

void write_bytes(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::vector<uint8_t> encode(const std::string& extension, const cv::Mat& image, const std::vector<int>& params = {}) {
  std::vector<uint8_t> bytes;
  if (!cv::imencode(extension, image, bytes, params)) throw std::runtime_error("cannot encode " + extension);
  return bytes;
}

// A small picture with structure in it: a gradient and a square.
cv::Mat picture(int type) {
  cv::Mat image(12, 16, CV_8UC4);
  for (int y = 0; y < image.rows; ++y) {
    for (int x = 0; x < image.cols; ++x) {
      image.at<cv::Vec4b>(y, x) = {uint8_t(x * 16), uint8_t(y * 20), 128, uint8_t(x < 8 ? 255 : 64)};
    }
  }
  cv::Mat out;
  switch (type) {
    case CV_8UC1: cv::extractChannel(image, out, 1); return out;
    case CV_8UC3: cv::cvtColor(image, out, cv::COLOR_BGRA2BGR); return out;
    case CV_16UC3: cv::cvtColor(image, out, cv::COLOR_BGRA2BGR); out.convertTo(out, CV_16U, 257); return out;
    default: return image;
  }
}

void write_image_seeds(const fs::path& folder) {
  fs::create_directories(folder);
  const auto colour = picture(CV_8UC3);
  const auto jpeg = encode(".jpg", colour, {cv::IMWRITE_JPEG_QUALITY, 80});
  write_bytes(folder / "colour.jpg", jpeg);
  write_bytes(folder / "grey.jpg", encode(".jpg", picture(CV_8UC1)));
  write_bytes(folder / "progressive.jpg", encode(".jpg", colour, {cv::IMWRITE_JPEG_PROGRESSIVE, 1}));
  for (uint16_t orientation : {3, 6, 8}) {
    write_bytes(folder / ("exif-" + std::to_string(orientation) + ".jpg"), backdrop::test::with_exif(jpeg, orientation));
  }
  write_bytes(folder / "colour.png", encode(".png", colour));
  write_bytes(folder / "grey.png", encode(".png", picture(CV_8UC1)));
  write_bytes(folder / "alpha.png", encode(".png", picture(CV_8UC4)));
  write_bytes(folder / "deep.png", encode(".png", picture(CV_16UC3)));
  write_bytes(folder / "lossy.webp", encode(".webp", colour, {cv::IMWRITE_WEBP_QUALITY, 50}));
  write_bytes(folder / "alpha.webp", encode(".webp", picture(CV_8UC4), {cv::IMWRITE_WEBP_QUALITY, 101}));
}

void write_record_seeds(const fs::path& folder) {
  fs::create_directories(folder);
  const auto image = picture(CV_8UC3);
  const std::string record =
      R"({"artifacts":{"edge_continuation":0.25,"flagged":false,"object_expansion":0.125,"reason":""},)"
      R"("colour":"#a0b0c0","engine_version":"0.1.0","generator":"studio","placement":"square",)"
      R"("product_id":"p-1","prompt":"a product on a table","seed":7,"steps":20})";
  const std::string unscored =
      R"({"artifacts":{"edge_continuation":0,"flagged":true,"object_expansion":null,"reason":"busy"},)"
      R"("generator":"diffusion"})";
  using backdrop::backgrounds::kVariantRecordKey;
  backdrop::imaging::write_png_with_text(folder / "record.png", image,
                                         {{kVariantRecordKey, record}, {"Software", "Backdrop"}});
  backdrop::imaging::write_png_with_text(folder / "unscored.png", image, {{kVariantRecordKey, unscored}});
  backdrop::imaging::write_png_with_text(folder / "no-record.png", image, {{"Software", "Backdrop"}});
  // Text inputs reach the record's JSON reader directly.
  write_bytes(folder / "record.json", {record.begin(), record.end()});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_image_seeds <corpus folder>\n";
    return 2;
  }
  try {
    write_image_seeds(fs::path(argv[1]) / "image");
    write_record_seeds(fs::path(argv[1]) / "variant_record");
    return 0;
  } catch (const std::exception& error) {
    std::cerr << error.what() << "\n";
    return 1;
  }
}
