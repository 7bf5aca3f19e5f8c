#include "core/generation/planned_colours.h"

#include <algorithm>
#include <stdexcept>

#include "core/imaging/colour_names.h"
#include "core/imaging/image_error.h"
#include "core/imaging/image_io.h"
#include "core/imaging/product_segmentation.h"
#include "core/store/product_repository.h"

namespace backdrop {

PlannedColours::PlannedColours(const std::vector<std::string>& specs, std::filesystem::path cache_dir)
    : cache_dir_(std::move(cache_dir)) {
  if (specs.empty()) throw std::invalid_argument("no colours to generate (give 'none' for no colour)");
  for (const auto& spec : specs) specs_.push_back(imaging::parse_colour_spec(spec));
}

const std::vector<std::string>& PlannedColours::for_product(const StoredProduct& product) {
  auto found = by_product_.find(product.external_id);
  if (found == by_product_.end()) found = by_product_.emplace(product.external_id, resolve(product)).first;
  return found->second;
}

bool PlannedColours::needs_palette() const {
  return std::any_of(specs_.begin(), specs_.end(),
                     [](const auto& spec) { return spec.kind == imaging::ColourSpec::Kind::palette; });
}

std::vector<std::string> PlannedColours::resolve(const StoredProduct& product) const {
  cv::Mat bgr, mask;
  if (needs_palette()) {  // the photo is read only when a palette is asked for
    const auto image = imaging::load_image(product.image_path);
    mask = imaging::segment_with_saved_mask(image, imaging::product_mask_path(cache_dir_, product.external_id)).mask;
    if (mask.empty() || cv::countNonZero(mask) == 0) {
      throw imaging::ImageError(product.image_path + ": product " + product.external_id +
                                " has no mask to read its palette from");
    }
    bgr = image.bgr;
  }
  std::vector<std::string> colours;
  const auto add = [&colours](const std::string& colour) {
    if (std::find(colours.begin(), colours.end(), colour) == colours.end()) colours.push_back(colour);
  };
  for (const auto& spec : specs_) {
    if (spec.kind == imaging::ColourSpec::Kind::none) add("");
    for (const auto& colour : imaging::resolve_colour_spec(spec, bgr, mask)) add(imaging::hex_colour(colour.bgr));
  }
  return colours;
}

}  // namespace backdrop
