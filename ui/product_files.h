#pragma once
// Where Backdrop Studio keeps a product's prepared mask inside the project's cache folder, and the
// per-product Canny thresholds chosen in the product view (a small table the studio adds to the
// project file). Plain C++: the generation workers use it too.

#include <filesystem>
#include <optional>
#include <string>

#include "core/imaging/image_io.h"
#include "core/imaging/mask_review.h"
#include "core/imaging/segmentation.h"

namespace backdrop {
class Database;
}

namespace backdrop::ui {

// <cache>/masks/<product id>.png: white = product. Written by "Prepare" and by the mask brush.
std::filesystem::path product_mask_path(const std::filesystem::path& cache_dir, const std::string& product_id);

// The product's segmentation: `mask_file` (its saved mask) when it exists, else the plain-background
// segmenter's, combined with `learned` when one is given, reviewed against `confidence_threshold`.
imaging::Segmentation segment_with_saved_mask(const imaging::LoadedImage& image, const std::filesystem::path& mask_file,
                                              const imaging::Segmenter* learned = nullptr,
                                              double confidence_threshold = imaging::kDefaultConfidenceThreshold);

struct CannyThresholds {
  double low = 0;
  double high = 0;
};

// The thresholds saved for a product, if someone adjusted them.
std::optional<CannyThresholds> load_canny_thresholds(Database& database, const std::string& product_id);
void save_canny_thresholds(Database& database, const std::string& product_id, const CannyThresholds& thresholds);

}  // namespace backdrop::ui
