// libFuzzer target for the record a variant PNG carries: an input that starts with the PNG
// signature is written to a scratch file and read with read_variant_record (libpng's text chunks,
// then the record's JSON), anything else goes to parse_variant_record as the record's text. Only
// ImageError may come out.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "core/backgrounds/variant_png_record.h"
#include "core/imaging/image_error.h"
#include "fuzz_support.h"

using namespace backdrop;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  fuzz::expect_only<imaging::ImageError>([&] {
    if (size >= sizeof signature && std::memcmp(data, signature, sizeof signature) == 0) {
      (void)backgrounds::read_variant_record(fuzz::write_scratch_file("variant.png", data, size));
    } else {
      (void)backgrounds::parse_variant_record(fuzz::as_text(data, size), "variant.png");
    }
  });
  return 0;
}
