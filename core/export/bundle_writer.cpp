#include "core/export/bundle_writer.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "core/common/file_write.h"
#include "core/export/bundle_json.h"
#include "core/export/bundle_paths.h"
#include "core/store/sha256.h"
#include "core/store/sqlite_database.h"

namespace backdrop::exporting {
namespace {

// Every write and the close are checked (write_file), so a full disk names the file and the reason.
void write_bytes(const std::filesystem::path& file, std::string_view bytes) {
  try {
    write_file(file, bytes);
  } catch (const FileWriteError& error) {
    throw BundleError(error.what());
  }
}

}  // namespace

BundleWriter::BundleWriter(std::filesystem::path folder) : folder_(std::move(folder)) {
  if (std::filesystem::exists(folder_))
    throw BundleError(folder_.string() + ": exists already; a bundle goes into a new folder");
  std::error_code error;
  std::filesystem::create_directories(folder_, error);
  if (error) throw BundleError(folder_.string() + ": cannot create (" + error.message() + ")");
}

const BundleFile& BundleWriter::add_file(const std::string& path, std::string_view bytes) {
  return add_hashed_file(path, bytes, sha256_hex(bytes));
}

const BundleFile& BundleWriter::add_hashed_file(const std::string& path, std::string_view bytes, std::string sha256) {
  if (const auto problem = bundle_path_problem(path); !problem.empty()) throw BundleError("'" + path + "': " + problem);
  if (path == "manifest.json") throw BundleError("manifest.json is written by finish()");
  const auto file = folder_ / std::filesystem::path(path);
  std::filesystem::create_directories(file.parent_path());
  write_bytes(file, bytes);
  auto& entry = files_[path];
  entry = {path, std::move(sha256), bytes.size()};
  return entry;
}

std::string BundleWriter::add_image(std::string_view bytes, const std::string& extension) {
  auto sha256 = sha256_hex(bytes);
  auto path = "images/" + sha256 + "." + extension;
  if (!files_.contains(path)) add_hashed_file(path, bytes, std::move(sha256));
  return path;
}

void BundleWriter::add_category(const CategoryBundle& category) {
  if (categories_.contains(category.category))
    throw BundleError("category '" + category.category + "' is written twice");
  const auto slug = category_slug(category.category);
  auto path = "categories/" + slug + ".json";
  for (int n = 2; files_.contains(path); ++n) path = "categories/" + slug + "-" + std::to_string(n) + ".json";
  add_file(path, category_to_json(category).dump(1) + "\n");
  categories_[category.category] = path;
}

BundleManifest BundleWriter::finish(BundleManifest manifest) {
  manifest.files.clear();
  for (const auto& [path, file] : files_) manifest.files.push_back(file);
  manifest.categories = categories_;
  if (manifest.created_at.empty()) manifest.created_at = utc_timestamp();
  if (manifest.version.empty())
    manifest.version = make_bundle_version(manifest.created_at, bundle_content_hash(manifest.files));
  write_bytes(folder_ / "manifest.json", manifest_to_json(manifest).dump(1) + "\n");
  return manifest;
}

std::string category_slug(const std::string& category) {
  std::string slug;
  for (const unsigned char c : category) {
    if (std::isalnum(c) != 0 && c < 128) {
      slug += static_cast<char>(std::tolower(c));
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug.empty() ? "category" : slug;
}

std::string bundle_content_hash(const std::vector<BundleFile>& files) {
  auto sorted = files;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  std::string lines;
  for (const auto& file : sorted) lines += file.path + " " + file.sha256 + " " + std::to_string(file.bytes) + "\n";
  return sha256_hex(lines);
}

std::string make_bundle_version(const std::string& created_at, const std::string& content_hash) {
  std::string stamp;
  for (const char c : created_at) {
    if (c != '-' && c != ':') stamp += c;
  }
  return stamp + "-" + content_hash.substr(0, 8);
}

}  // namespace backdrop::exporting
