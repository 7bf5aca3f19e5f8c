#pragma once
// Where Backdrop Studio keeps a product's prepared mask inside the project's cache folder, and the
// per-product Canny thresholds chosen in the product view (a small table the studio adds to the
// project file). Plain C++: the generation workers use it too.

#include <filesystem>
#include <optional>
#include <string>

#include "core/imaging/product_segmentation.h"

namespace backdrop {
class Database;
}

namespace backdrop::ui {

// Where the product's mask is kept and how it is cut out (core/imaging/product_segmentation.h).
using imaging::product_mask_path;
using imaging::segment_with_saved_mask;

struct CannyThresholds {
  double low = 0;
  double high = 0;
};

// The thresholds saved for a product, if someone adjusted them.
std::optional<CannyThresholds> load_canny_thresholds(Database& database, const std::string& product_id);
void save_canny_thresholds(Database& database, const std::string& product_id, const CannyThresholds& thresholds);

}  // namespace backdrop::ui
