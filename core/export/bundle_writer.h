#pragma once
// Writing a bundle folder: images named by their hash, category files, and last the manifest
// listing every file with its size and SHA-256. The builder and the tests write through it, so a
// bundle on disk always has the layout load_bundle() expects.
//
//   BundleWriter writer(folder);
//   category.images["sku-1"]["p12"]["square"] = writer.add_image(jpeg_bytes, "jpg");
//   writer.add_category(category);
//   const auto manifest = writer.finish(manifest_fields);

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/export/bundle.h"

namespace backdrop::exporting {

class BundleWriter {
 public:
  // Creates `folder`; throws BundleError when it exists already.
  explicit BundleWriter(std::filesystem::path folder);

  const std::filesystem::path& folder() const { return folder_; }

  // Writes `bytes` at the bundle path `path` and lists it.
  const BundleFile& add_file(const std::string& path, std::string_view bytes);
  // Writes an image as images/<sha256>.<extension> (once, however often the same bytes come) and
  // returns its bundle path.
  std::string add_image(std::string_view bytes, const std::string& extension);
  // Writes categories/<slug>.json and lists it under the category's name.
  void add_category(const CategoryBundle& category);

  // Writes manifest.json from `manifest` with its files and categories filled in (files sorted by
  // path). An empty created_at becomes now; an empty version becomes make_bundle_version().
  // Returns the manifest as written.
  BundleManifest finish(BundleManifest manifest);

 private:
  // add_file() with the bytes' SHA-256 already known.
  const BundleFile& add_hashed_file(const std::string& path, std::string_view bytes, std::string sha256);

  std::filesystem::path folder_;
  std::map<std::string, BundleFile> files_;
  std::map<std::string, std::string> categories_;
};

// A file-name-safe form of a category name: lowercase ASCII letters and digits, other runs
// become '-' ("Home & Garden" -> "home-garden"); "category" when nothing is left.
std::string category_slug(const std::string& category);

// SHA-256 over the sorted "<path> <sha256> <bytes>" lines of the files: equal contents, equal hash.
std::string bundle_content_hash(const std::vector<BundleFile>& files);

// "20261126T014500Z-<first 8 hex of the content hash>" from created_at "2026-11-26T01:45:00Z".
std::string make_bundle_version(const std::string& created_at, const std::string& content_hash);

}  // namespace backdrop::exporting
