#pragma once
// SHA-256 through OpenSSL's libcrypto, as lowercase hex: the hash of cache keys and file contents.

#include <filesystem>
#include <string>
#include <string_view>

namespace backdrop {

std::string sha256_hex(std::string_view bytes);
// Streams the file; throws StoreError naming it when it cannot be read.
std::string sha256_file_hex(const std::filesystem::path& file);
// Whether `text` is 64 lowercase hex digits, as the two functions above write.
bool is_sha256_hex(std::string_view text);

}  // namespace backdrop
