// libFuzzer target for a bundle's JSON files, as backdrop-serve reads a bundle from a shared
// folder: the input is written as manifest.json into a scratch bundle folder and load_bundle reads
// it (its JSON reading, manifest_from_json, path and file checks); the same input is also read as
// a category file with category_from_json, which load_bundle reaches only for files whose SHA-256
// matches the manifest. Only BundleError may come out.

#include <cstddef>
#include <cstdint>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/export/bundle_json.h"
#include "core/export/bundle_reader.h"
#include "fuzz_support.h"

using namespace backdrop::exporting;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const auto folder = [] {
    auto path = backdrop::fuzz::scratch_folder() / "bundle";
    std::filesystem::create_directories(path);
    return path;
  }();
  backdrop::fuzz::write_scratch_file("bundle/manifest.json", data, size);
  backdrop::fuzz::expect_only<BundleError>([&] { (void)load_bundle(folder); });

  const auto json = nlohmann::json::parse(backdrop::fuzz::as_text(data, size), nullptr, false);
  if (json.is_discarded()) return 0;
  backdrop::fuzz::expect_only<BundleError>([&] { (void)category_from_json(json, "categories/fuzz.json"); });
  return 0;
}
