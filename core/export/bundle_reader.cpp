#include "core/export/bundle_reader.h"

#include <fstream>
#include <iterator>
#include <set>

#include <nlohmann/json.hpp>

#include "core/export/bundle_json.h"
#include "core/export/bundle_paths.h"
#include "core/store/sha256.h"
#include "core/store/store_error.h"

namespace backdrop::exporting {
namespace {

// Larger JSON files than this are not a bundle we wrote; refusing them bounds memory.
constexpr uintmax_t kMaxJsonBytes = 256ull << 20;

nlohmann::json read_json(const std::filesystem::path& file, const std::string& name) {
  std::error_code error;
  const auto size = std::filesystem::file_size(file, error);
  if (error) throw BundleError(name + ": cannot read (" + error.message() + ")");
  if (size > kMaxJsonBytes)
    throw BundleError(name + ": " + std::to_string(size) + " bytes is too large for a bundle file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw BundleError(name + ": cannot open");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& parse_error) {
    throw BundleError(name + ": not valid JSON (" + parse_error.what() + ")");
  }
}

void verify_file(const std::filesystem::path& root, const BundleFile& file) {
  const auto path = resolve_bundle_file(root, file.path);
  const auto bytes = std::filesystem::file_size(path);
  if (bytes != file.bytes) {
    throw BundleError("'" + file.path + "': " + std::to_string(bytes) + " bytes, the manifest says " +
                      std::to_string(file.bytes));
  }
  std::string sha256;
  try {
    sha256 = sha256_file_hex(path);
  } catch (const StoreError& error) {
    throw BundleError("'" + file.path + "': " + error.what());
  }
  if (sha256 != file.sha256) {
    throw BundleError("'" + file.path + "': SHA-256 " + sha256 + " does not match the manifest's " + file.sha256);
  }
}

// Every file in the folder (not following symbolic links) must be listed, or be manifest.json.
void reject_unlisted_files(const std::filesystem::path& root, const std::set<std::string>& listed) {
  for (auto it = std::filesystem::recursive_directory_iterator(root);
       it != std::filesystem::recursive_directory_iterator(); ++it) {
    if (it->is_directory() && !it->is_symlink()) continue;
    const auto relative = it->path().lexically_relative(root).generic_string();
    if (relative != "manifest.json" && !listed.contains(relative)) {
      throw BundleError("'" + relative + "': present in the bundle folder but not listed in manifest.json");
    }
  }
}

[[noreturn]] void fail_unlisted(const std::string& who, const std::string& path) {
  throw BundleError(who + ": '" + path + "' is not listed in manifest.json's files");
}

void check_listed(const std::set<std::string>& listed, const std::string& path, const std::string& who) {
  if (!listed.contains(path)) fail_unlisted(who, path);
}

// "<category file>: images.<product>.<arm>.<placement>: '<image>' is not listed ..."
void check_images_listed(const std::set<std::string>& listed, const ProductImages& images, const std::string& who) {
  for (const auto& [product, arms] : images) {
    for (const auto& [arm, placements] : arms) {
      for (const auto& [placement, image] : placements) {
        if (!listed.contains(image)) fail_unlisted(who + "." + product + "." + arm + "." + placement, image);
      }
    }
  }
}

}  // namespace

Bundle load_bundle(const std::filesystem::path& folder) {
  std::error_code error;
  const auto root = std::filesystem::canonical(folder, error);
  if (error || !std::filesystem::is_directory(root)) throw BundleError(folder.string() + ": not a bundle folder");
  const auto where = [&](const std::string& name) { return folder.string() + "/" + name; };

  Bundle bundle;
  bundle.root = root;
  const auto manifest_path = root / "manifest.json";
  if (!std::filesystem::is_regular_file(manifest_path) || std::filesystem::is_symlink(manifest_path)) {
    throw BundleError(where("manifest.json") + ": missing");
  }
  bundle.manifest = manifest_from_json(read_json(manifest_path, where("manifest.json")), where("manifest.json"));

  std::set<std::string> listed;
  for (const auto& file : bundle.manifest.files) {
    try {
      verify_file(root, file);
    } catch (const BundleError& failure) {
      throw BundleError(folder.string() + ": " + failure.what());
    }
    listed.insert(file.path);
  }
  try {
    reject_unlisted_files(root, listed);
  } catch (const BundleError& failure) {
    throw BundleError(folder.string() + ": " + failure.what());
  }

  for (const auto& [name, file] : bundle.manifest.categories) {
    check_listed(listed, file, where("manifest.json") + ": categories." + name);
    auto category = category_from_json(read_json(root / file, where(file)), where(file));
    if (category.category != name) {
      throw BundleError(where(file) + ": category '" + category.category + "', the manifest lists it as '" + name +
                        "'");
    }
    check_images_listed(listed, category.images, where(file) + ": images");
    for (const auto& [group, images] : category.group_images) {
      check_images_listed(listed, images, where(file) + ": group_images." + group);
    }
    bundle.categories.emplace(name, std::move(category));
  }
  return bundle;
}

}  // namespace backdrop::exporting
