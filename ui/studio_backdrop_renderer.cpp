#include "ui/studio_backdrop_renderer.h"

#include <array>
#include <cstdio>
#include <opencv2/imgcodecs.hpp>
#include <string_view>

#include "core/imaging/image_error.h"
#include "core/imaging/image_io.h"
#include "core/imaging/studio_backdrop.h"
#include "core/common/file_write.h"
#include "ui/product_files.h"

namespace backdrop::ui {
StudioBackdropRenderer::StudioBackdropRenderer(std::filesystem::path cache_dir,
                                               std::map<std::string, std::string> categories,
                                               imaging::LayoutRules rules)
    : cache_dir_(std::move(cache_dir)), categories_(std::move(categories)), rules_(std::move(rules)) {}

void StudioBackdropRenderer::render(const VariantInputs& inputs, const std::filesystem::path& output,
                                    const CancellationToken& cancel) {
  cancel.throw_if_cancelled();
  const auto category = categories_.find(inputs.product_id);
  const auto placed = place_variant_product(inputs, cache_dir_, category == categories_.end() ? std::string() : category->second,
                                            rules_);
  cancel.throw_if_cancelled();
  imaging::StudioOptions options;
  options.colour = backdrop_colour(inputs.colour, inputs.seed);
  // The temporary name has no .png extension, so encode explicitly rather than by file name.
  std::vector<uchar> png;
  if (!cv::imencode(".png", imaging::render_studio_backdrop(placed, options), png)) {
    throw imaging::ImageError(output.string() + ": cannot encode PNG");
  }
  // Every write and the close checked, with the reason: an ofstream flushes what it buffered on
  // destruction, unchecked, so a full disk could publish a PNG cut short into the cache.
  write_file(output, std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
}

imaging::PlacedProduct place_variant_product(const VariantInputs& inputs, const std::filesystem::path& cache_dir,
                                             const std::string& category, const imaging::LayoutRules& rules) {
  const auto image = imaging::load_image(inputs.product_image_path);
  const auto segmentation = segment_with_saved_mask(image, product_mask_path(cache_dir, inputs.product_id));
  if (segmentation.mask.empty()) {
    throw imaging::ImageError(inputs.product_image_path + ": no product mask (" + segmentation.note + ")");
  }
  const imaging::Placement placement{inputs.placement.name, inputs.placement.width, inputs.placement.height};
  return imaging::place_product(image.bgr, segmentation, placement, rules.for_category(category));
}

cv::Vec3b backdrop_colour(const std::string& colour, uint64_t seed) {
  unsigned r = 0, g = 0, b = 0;
  if (colour.size() == 7 && colour[0] == '#' && std::sscanf(colour.c_str() + 1, "%02x%02x%02x", &r, &g, &b) == 3) {
    return cv::Vec3b(static_cast<uchar>(b), static_cast<uchar>(g), static_cast<uchar>(r));
  }
  // Soft tones that flatter most products (BGR).
  static constexpr std::array<std::array<uchar, 3>, 6> kTones{{
      {235, 235, 235}, {214, 228, 240}, {229, 222, 206}, {206, 225, 214}, {232, 214, 226}, {196, 208, 222}}};
  const auto& tone = kTones[seed % kTones.size()];
  return cv::Vec3b(tone[0], tone[1], tone[2]);
}

imaging::Segmentation prepare_product_mask(const std::filesystem::path& image_path,
                                           const std::filesystem::path& cache_dir, const std::string& product_id,
                                           const imaging::Segmenter* learned, double confidence_threshold) {
  const auto image = imaging::load_image(image_path);
  const auto path = product_mask_path(cache_dir, product_id);
  std::filesystem::path no_hand_mask;  // preparing recomputes the automatic mask
  const auto segmentation = segment_with_saved_mask(image, no_hand_mask, learned, confidence_threshold);
  if (segmentation.mask.empty()) {
    throw imaging::ImageError(image_path.string() + ": " +
                              (segmentation.note.empty() ? std::string("no product found") : segmentation.note));
  }
  imaging::write_image(path, segmentation.mask);
  return segmentation;
}

}  // namespace backdrop::ui
