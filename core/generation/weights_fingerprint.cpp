#include "core/generation/weights_fingerprint.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "core/store/sha256.h"

namespace backdrop {
namespace {

namespace fs = std::filesystem;

std::string file_identity(const fs::path& file, const fs::path& root) {
  const auto modified = fs::last_write_time(file).time_since_epoch();
  return fs::relative(file, root).generic_string() + "\t" + std::to_string(fs::file_size(file)) + "\t" +
         std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(modified).count()) + "\n";
}

}  // namespace

std::string weights_fingerprint(const fs::path& weights) {
  std::error_code error;
  if (!fs::exists(weights, error)) return {};
  if (!fs::is_directory(weights)) return sha256_hex(file_identity(weights, weights.parent_path()));
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(weights)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::string identities;
  for (const auto& file : files) identities += file_identity(file, weights);
  return sha256_hex(identities);
}

}  // namespace backdrop
