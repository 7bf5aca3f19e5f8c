#pragma once
// Where tests find their reference data. Every data folder comes from an environment variable
// with a default relative to the repository root (tests run from there), so the same tests run
// unchanged against other fixture sets.

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace backdrop::test {

// `variable` names the environment variable; `fallback` is relative to the repository root.
inline std::filesystem::path data_dir(const char* variable, const char* fallback) {
  const char* value = std::getenv(variable);
  std::filesystem::path dir = (value != nullptr && *value != '\0') ? value : fallback;
  if (!std::filesystem::is_directory(dir)) {
    throw std::runtime_error(std::string(variable) + ": folder '" + dir.string() + "' does not exist");
  }
  return dir;
}

// Diffusion fixtures (tiny SD 1.5 models and reference tensors).
inline std::filesystem::path diffusion_fixtures() {
  return data_dir("BACKDROP_FIXTURES", "../shared/fixtures/diffusion");
}

// Bandit fixtures (Open Bandit Pipeline reference values).
inline std::filesystem::path bandit_fixtures() {
  return data_dir("BACKDROP_BANDIT_FIXTURES", "../shared/fixtures/bandit");
}

// Segmentation fixtures (a tiny ONNX salient-object model and its reference tensors).
inline std::filesystem::path segmentation_fixtures() {
  return data_dir("BACKDROP_SEGMENTATION_FIXTURES", "../shared/fixtures/segmentation");
}

// Open Bandit Dataset logs.
inline std::filesystem::path obd_data() {
  return data_dir("BACKDROP_OBD_DATA", "../shared/data/obd");
}

// Product photos and catalog.csv.
inline std::filesystem::path product_data() {
  return data_dir("BACKDROP_PRODUCTS", "../shared/data/products");
}

// A fresh, empty folder for one test's outputs, under the build's temporary area.
inline std::filesystem::path scratch_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("backdrop-test-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace backdrop::test
