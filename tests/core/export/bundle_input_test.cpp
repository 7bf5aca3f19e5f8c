// A bundle folder is shared and anyone may have written to it: whatever its JSON files hold,
// load_bundle answers with a BundleError naming the file (findings of fuzz_bundle_json).

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "core/export/bundle_reader.h"
#include "support/test_data.h"

using namespace backdrop::exporting;

namespace {

std::string load_error(const std::string& manifest) {
  const auto folder = backdrop::test::scratch_dir("export-bundle-input");
  std::ofstream(folder / "manifest.json") << manifest;
  try {
    (void)load_bundle(folder);
  } catch (const BundleError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a manifest with a number beyond double's range is not valid JSON") {
  const auto error = load_error(R"({"format": "backdrop.bundle", "files": 8e918})");
  CHECK(error.find("manifest.json: not valid JSON") != std::string::npos);
  CHECK(error.find("number overflow") != std::string::npos);
}
