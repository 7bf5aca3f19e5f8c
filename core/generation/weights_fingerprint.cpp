#include "core/generation/weights_fingerprint.h"

#include <algorithm>
#include <vector>

#include "core/generation/content_hash_cache.h"
#include "core/store/sha256.h"

namespace backdrop {
namespace {

namespace fs = std::filesystem;

// Sorted, so that the order the file system lists them in does not matter.
std::vector<std::string> relative_files(const fs::path& folder) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file()) files.push_back(fs::relative(entry.path(), folder).generic_string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

std::string weights_fingerprint(const fs::path& weights) {
  std::error_code error;
  if (!fs::exists(weights, error)) return {};
  if (!fs::is_directory(weights)) return file_content_sha256(weights);
  std::string listing;
  for (const auto& file : relative_files(weights)) listing += file + "\t" + file_content_sha256(weights / file) + "\n";
  return sha256_hex(listing);
}

}  // namespace backdrop
