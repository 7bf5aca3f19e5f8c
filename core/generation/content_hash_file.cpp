#include "core/generation/content_hash_file.h"

#include <sys/stat.h>

#include <charconv>
#include <fstream>
#include <string_view>
#include <utility>

#include "core/common/file_write.h"
#include "core/store/sha256.h"

namespace backdrop {
namespace {

namespace fs = std::filesystem;

// Bump when the line format or the meaning of a field changes: files of other versions are ignored.
constexpr std::string_view kVersionLine = "backdrop-content-hashes-v1";

template <typename Number>
bool parse_number(std::string_view text, Number& number) {
  const char* end = text.data() + text.size();
  const auto [last, error] = std::from_chars(text.data(), end, number);
  return !text.empty() && error == std::errc() && last == end;
}

// The text before the next tab, removed with the tab from `rest`; empty when there is no tab.
std::optional<std::string_view> next_field(std::string_view& rest) {
  const auto tab = rest.find('\t');
  if (tab == std::string_view::npos) return std::nullopt;
  const auto field = rest.substr(0, tab);
  rest.remove_prefix(tab + 1);
  return field;
}

// The path is the last field, so that a tab in it needs no escaping.
std::optional<std::pair<std::string, ContentHash>> parse_line(std::string_view line) {
  const auto sha256 = next_field(line);
  const auto size = next_field(line);
  const auto modified = next_field(line);
  ContentHash hash;
  if (!sha256 || !size || !modified || line.empty() || !is_sha256_hex(*sha256) ||
      !parse_number(*size, hash.stamp.size) || !parse_number(*modified, hash.stamp.modified_ns)) {
    return std::nullopt;
  }
  hash.sha256 = *sha256;
  return std::pair{std::string(line), std::move(hash)};
}

}  // namespace

// One stat() for both, in Unix time (std::filesystem's clock counts from another epoch).
std::optional<FileStamp> file_stamp(const fs::path& file) {
  struct stat status {};
  if (::stat(file.c_str(), &status) != 0 || !S_ISREG(status.st_mode)) return std::nullopt;
  constexpr std::int64_t kNanosecondsPerSecond = 1'000'000'000;
  return FileStamp{static_cast<std::uintmax_t>(status.st_size),
                   std::int64_t{status.st_mtim.tv_sec} * kNanosecondsPerSecond + status.st_mtim.tv_nsec};
}

ContentHashes read_content_hashes(const fs::path& file) {
  ContentHashes hashes;
  std::ifstream in(file, std::ios::binary);
  std::string line;
  if (!std::getline(in, line) || line != kVersionLine) return hashes;
  // A last line without its newline was cut short: its path may be too.
  while (std::getline(in, line) && !in.eof()) {
    if (auto entry = parse_line(line)) hashes.insert_or_assign(std::move(entry->first), std::move(entry->second));
  }
  return hashes;
}

void write_content_hashes(const fs::path& file, const ContentHashes& hashes) {
  std::string text(kVersionLine);
  text += '\n';
  for (const auto& [path, hash] : hashes) {
    if (path.find('\n') != std::string::npos) continue;  // cannot be one line: hashed again next time
    text += hash.sha256 + '\t' + std::to_string(hash.stamp.size) + '\t' + std::to_string(hash.stamp.modified_ns) +
            '\t' + path + '\n';
  }
  replace_file(file, text);
}

}  // namespace backdrop
