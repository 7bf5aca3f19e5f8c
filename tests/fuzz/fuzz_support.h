#pragma once
// Shared by the fuzz targets: a per-process scratch file for the parsers that read files (the
// input is written there and the production reader opens it), and a check that only the parser's
// documented error comes out. Any other exception escapes LLVMFuzzerTestOneInput, and libFuzzer
// reports it (std::terminate -> abort) like a crash.

#include <unistd.h>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace backdrop::fuzz {

// A folder of this process's own, removed when the process exits normally.
inline const std::filesystem::path& scratch_folder() {
  struct Folder {
    std::filesystem::path path;
    Folder() {
      std::string pattern = (std::filesystem::temp_directory_path() / "backdrop-fuzz-XXXXXX").string();
      if (::mkdtemp(pattern.data()) == nullptr) std::abort();
      path = pattern;
    }
    ~Folder() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  };
  static const Folder folder;
  return folder.path;
}

// Writes the input to <scratch>/<name> and returns the path.
inline std::filesystem::path write_scratch_file(const std::string& name, const uint8_t* data, std::size_t size) {
  const auto path = scratch_folder() / name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out.flush()) std::abort();
  return path;
}

inline std::string_view as_text(const uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A broken guarantee: trap, so that libFuzzer reports it like a crash.
inline void require(bool condition) {
  if (!condition) __builtin_trap();
}

// Runs `parse`; the documented `Error` is an expected outcome, anything else escapes.
template <class Error, class Parse>
void expect_only(Parse&& parse) {
  try {
    parse();
  } catch (const Error& error) {
    require(error.what()[0] != '\0');  // errors say something
  }
}

}  // namespace backdrop::fuzz
