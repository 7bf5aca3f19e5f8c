#pragma once
// Small hand-built bundles for the export tests, and ways to damage them.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

#include "core/export/bundle_builder.h"
#include "core/export/bundle_writer.h"
#include "core/store/sha256.h"

namespace backdrop::test {

// A bundle with one category ("Home & Garden"), two arms over a 3-level device feature, and two
// products with one image each at the "square" placement.
inline exporting::BundleManifest write_small_bundle(const std::filesystem::path& folder) {
  using namespace exporting;
  BundleWriter writer(folder);
  CategoryBundle category;
  category.category = "Home & Garden";
  category.arms = {{"p1", 1, "a sunny terrace", "blurry"}, {"p2", 2, "a wooden table", ""}};
  const bandit::FeatureSchema schema(
      {bandit::one_hot_feature("device", bandit::FeatureSource::user, {"desktop", "mobile", "tablet"}, false)});
  category.priors = bandit::uninformed_priors(schema, 2);
  category.priors.arms[0].id = "p1";
  category.priors.arms[1].id = "p2";
  category.images["sku-1"]["p1"]["square"] = writer.add_image("jpeg bytes of sku-1 on a terrace", "jpg");
  category.images["sku-2"]["p2"]["square"] = writer.add_image("jpeg bytes of sku-2 on a table", "jpg");
  category.policy.alpha = 0.5;
  writer.add_category(category);
  BundleManifest manifest;
  manifest.project = "shop.backdrop";
  manifest.engine_version = "test";
  manifest.image_format = "jpeg";
  manifest.image_quality = 85;
  return writer.finish(manifest);
}

// Bundle options at another JPEG quality: other bytes, so another version of the same project.
inline exporting::BundleOptions at_quality(int quality) {
  exporting::BundleOptions options;
  options.image_quality = quality;
  return options;
}

inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_text(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
}

inline nlohmann::json read_manifest(const std::filesystem::path& folder) {
  return nlohmann::json::parse(read_text(folder / "manifest.json"));
}

inline void write_manifest(const std::filesystem::path& folder, const nlohmann::json& manifest) {
  write_text(folder / "manifest.json", manifest.dump(1));
}

// Re-lists size and hash of every listed file that exists, as a forger who edits files and the
// manifest together would, so that a test reaches the checks behind the hash check.
inline void relist_files(const std::filesystem::path& folder) {
  auto manifest = read_manifest(folder);
  for (auto& file : manifest["files"]) {
    const auto path = folder / file["path"].get<std::string>();
    if (!std::filesystem::exists(path)) continue;
    const auto bytes = read_text(path);
    file["sha256"] = sha256_hex(bytes);
    file["bytes"] = bytes.size();
  }
  write_manifest(folder, manifest);
}

}  // namespace backdrop::test
