#include "core/imaging/png_text.h"

#include <png.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/imaging/byte_order.h"
#include "core/imaging/image_error.h"

namespace backdrop::imaging {
namespace {

namespace fs = std::filesystem;

struct FileCloser {
  void operator()(std::FILE* file) const {
    if (file != nullptr) std::fclose(file);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// libpng reports errors by longjmp. The functions that call libpng keep no objects with
// destructors in their frames (setjmp would skip them): they return false and leave the message.
struct PngErrorSink {
  char message[256] = {};
  int system_error = 0;  // errno when libpng gave up (its "Write Error" does not say why)
};

void record_png_error(png_structp png, png_const_charp message) {
  auto* sink = static_cast<PngErrorSink*>(png_get_error_ptr(png));
  sink->system_error = errno;
  std::snprintf(sink->message, sizeof sink->message, "%s", message);
  png_longjmp(png, 1);
}
void ignore_png_warning(png_structp, png_const_charp) {}

// A chunk's length comes from the file, and libpng allocates what a text chunk claims before it
// reads it (a 400-byte file whose iTXt claimed 1.7 GB, found by fuzz_variant_record). Backdrop's
// records are a few kilobytes: longer chunks before the image data are refused, and libpng
// decompresses no text beyond this either.
constexpr png_alloc_size_t kMaxChunkBytes = png_alloc_size_t{8} << 20;

// Walks the chunks between the signature and the image data; "" when each is at most
// kMaxChunkBytes long and ends inside the file, else what is wrong. Leaves `file` after the signature.
std::string oversized_chunk(std::FILE* file) {
  if (std::fseek(file, 0, SEEK_END) != 0) return "cannot be read";
  const long size = std::ftell(file);
  long offset = 8;
  unsigned char header[8];
  std::string problem;
  while (std::fseek(file, offset, SEEK_SET) == 0 && std::fread(header, 1, sizeof header, file) == sizeof header) {
    const std::string type(reinterpret_cast<const char*>(header) + 4, 4);
    if (type == "IDAT" || type == "IEND") break;
    const uint32_t length = read_be32(header);
    if (length > kMaxChunkBytes) {
      problem = type + " chunk of " + std::to_string(length) + " bytes is larger than any text Backdrop reads";
      break;
    }
    offset += 12 + static_cast<long>(length);
    if (offset > size) {
      problem = type + " chunk runs past the end of the file";
      break;
    }
  }
  std::fseek(file, 8, SEEK_SET);
  return problem;
}

bool write_png(std::FILE* file, const cv::Mat& image, png_text* entries, int entry_count, PngErrorSink* sink) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, sink, record_png_error, ignore_png_warning);
  png_infop info = png != nullptr ? png_create_info_struct(png) : nullptr;
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    std::snprintf(sink->message, sizeof sink->message, "out of memory");
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_init_io(png, file);
  png_set_IHDR(png, info, static_cast<png_uint_32>(image.cols), static_cast<png_uint_32>(image.rows), 8,
               image.channels() == 4 ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (entry_count > 0) png_set_text(png, info, entries, entry_count);
  png_write_info(png, info);
  png_set_bgr(png);  // OpenCV's channel order
  for (int row = 0; row < image.rows; ++row) png_write_row(png, image.ptr<png_byte>(row));
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return true;
}

// Calls `add(key, text, length)` for every text chunk before the image data.
template <typename AddEntry>
bool read_png_text_chunks(std::FILE* file, AddEntry* add, PngErrorSink* sink) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, sink, record_png_error, ignore_png_warning);
  png_infop info = png != nullptr ? png_create_info_struct(png) : nullptr;
  if (info == nullptr) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    std::snprintf(sink->message, sizeof sink->message, "out of memory");
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  png_set_chunk_malloc_max(png, kMaxChunkBytes);
  png_init_io(png, file);
  png_set_sig_bytes(png, 8);
  png_read_info(png, info);
  png_textp entries = nullptr;
  const int count = png_get_text(png, info, &entries, nullptr);
  for (int i = 0; i < count; ++i) {
    const std::size_t length = entries[i].compression > 0 ? entries[i].itxt_length : entries[i].text_length;
    (*add)(entries[i].key, entries[i].text, length);
  }
  png_destroy_read_struct(&png, &info, nullptr);
  return true;
}

}  // namespace

void write_png_with_text(const fs::path& path, const cv::Mat& image, const std::map<std::string, std::string>& text) {
  const std::string origin = path.string();
  if (image.empty() || image.depth() != CV_8U || (image.channels() != 3 && image.channels() != 4)) {
    throw ImageError(origin + ": only 8-bit BGR or BGRA images are written as PNG with text");
  }
  // iTXt holds UTF-8 (prompts are not Latin-1), uncompressed so that other tools read it easily.
  std::vector<png_text> entries;
  for (const auto& [key, value] : text) {
    png_text entry{};
    entry.compression = PNG_ITXT_COMPRESSION_NONE;
    entry.key = const_cast<char*>(key.c_str());
    entry.text = const_cast<char*>(value.c_str());
    entry.itxt_length = value.size();
    entries.push_back(entry);
  }
  if (!path.parent_path().empty()) fs::create_directories(path.parent_path());
  const auto temporary = fs::path(origin + ".partial");
  PngErrorSink sink;
  bool written = false;
  {
    std::FILE* file = std::fopen(temporary.c_str(), "wb");
    if (file == nullptr) throw ImageError(origin + ": cannot write: " + std::strerror(errno));
    errno = 0;  // from here on, a set errno is the reason a write failed
    written = write_png(file, image, entries.data(), static_cast<int>(entries.size()), &sink) &&
              std::fflush(file) == 0;
    if (!written && sink.system_error == 0) sink.system_error = errno;
    // The close's result counts too: a file system may report a failed write only there.
    if (std::fclose(file) != 0 && written) {
      written = false;
      sink.system_error = errno;
    }
  }
  if (!written) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    const std::string reason = sink.system_error != 0 ? std::strerror(sink.system_error)
                               : sink.message[0] != 0 ? sink.message
                                                      : "I/O error";
    throw ImageError(origin + ": cannot write PNG: " + reason);
  }
  fs::rename(temporary, path);
}

std::map<std::string, std::string> read_png_text(const fs::path& path) {
  const std::string origin = path.string();
  File file(std::fopen(path.c_str(), "rb"));
  if (!file) throw ImageError(origin + ": cannot open");
  png_byte signature[8] = {};
  if (std::fread(signature, 1, sizeof signature, file.get()) != sizeof signature || png_sig_cmp(signature, 0, 8) != 0) {
    throw ImageError(origin + ": not a PNG file");
  }
  if (const auto problem = oversized_chunk(file.get()); !problem.empty()) throw ImageError(origin + ": " + problem);
  std::map<std::string, std::string> text;
  auto add = [&text](const char* key, const char* value, std::size_t length) { text[key] = std::string(value, length); };
  PngErrorSink sink;
  if (!read_png_text_chunks(file.get(), &add, &sink)) throw ImageError(origin + ": " + sink.message);
  return text;
}

}  // namespace backdrop::imaging
