#pragma once
// The renderer the generation queue uses while no diffusion weights are configured: the product
// cut out (by its prepared or hand-fixed mask when there is one), placed on the variant's canvas
// by the category's layout rule, on a studio backdrop in the variant's colour. Plain C++ (no Qt,
// no torch), safe to call from several worker threads.

#include <filesystem>
#include <map>
#include <string>

#include <opencv2/core.hpp>

#include "core/generation/variant_renderer.h"
#include "core/imaging/layout_rules.h"
#include "core/imaging/placement.h"

namespace backdrop::ui {

class StudioBackdropRenderer : public VariantRenderer {
 public:
  // `categories`: product id -> category, for the layout rule.
  StudioBackdropRenderer(std::filesystem::path cache_dir, std::map<std::string, std::string> categories,
                         imaging::LayoutRules rules = {});
  void render(const VariantInputs& inputs, const std::filesystem::path& output,
              const CancellationToken& cancel) override;

 private:
  std::filesystem::path cache_dir_;
  std::map<std::string, std::string> categories_;
  imaging::LayoutRules rules_;
};

// The variant's product cut out (by its hand-fixed or prepared mask when there is one) and placed
// on the variant's canvas by the category's layout rule: what the renderer paints a backdrop
// behind, and what the compare view shows the mask and edge map of. Throws ImageError when the
// photo cannot be read or has no product.
imaging::PlacedProduct place_variant_product(const VariantInputs& inputs, const std::filesystem::path& cache_dir,
                                             const std::string& category, const imaging::LayoutRules& rules);

// "#rrggbb" as OpenCV BGR; an empty or malformed colour picks a soft studio tone from `seed`.
cv::Vec3b backdrop_colour(const std::string& colour, uint64_t seed);

// Segments the product photo (with `learned` when given) and writes its mask to product_mask_path();
// returns the segmentation, whose needs_attention and reasons go into the project's mask verdicts.
// Throws ImageError when the photo cannot be read or no product can be found.
imaging::Segmentation prepare_product_mask(const std::filesystem::path& image, const std::filesystem::path& cache_dir,
                                           const std::string& product_id, const imaging::Segmenter* learned,
                                           double confidence_threshold);

}  // namespace backdrop::ui
