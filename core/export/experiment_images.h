#pragma once
// The images an experiment's groups show that are not arms, written into the bundle being built:
//   original        the catalogue photo, whole, placed on each placement's canvas by the category's
//                   layout rule on white: the baseline ad
//   white           the product cut out (its saved mask, else the plain-background segmenter) and
//                   placed the same way on white
//   previous-bundle the images of the category in an earlier version (verified with
//                   load_bundle()), copied byte for byte, under that version's arm ids
// Original and white images are made for every product and placement the category ships, at the
// size of the shipped image there, so every request a group can get has its image.

#include <filesystem>
#include <map>
#include <string>
#include <utility>

#include <opencv2/core.hpp>

#include "core/common/cancellation.h"
#include "core/export/bundle_plan.h"
#include "core/export/bundle_writer.h"
#include "core/imaging/layout_rules.h"
#include "core/imaging/placement.h"
#include "core/imaging/segmentation.h"

namespace backdrop {
class Project;
}

namespace backdrop::exporting {

// (product, placement) -> the canvas size of the image shipped there.
using CanvasSizes = std::map<std::pair<std::string, std::string>, cv::Size>;

// Fills category.group_images for the plan's experiment (nothing without one). Throws BundleError
// naming the group and the product or version that fails.
void add_experiment_images(Project& project, const CategoryPlan& plan, const BundleOptions& options,
                           const CanvasSizes& canvases, BundleWriter& writer, CategoryBundle& category,
                           const CancellationToken& cancel, uint64_t& image_bytes);

// The baseline canvas: `photo` cut out by `segmentation`, placed on `placement` by `rule`, on white.
cv::Mat baseline_canvas(const cv::Mat& photo, const imaging::Segmentation& segmentation,
                        const imaging::Placement& placement, const imaging::LayoutRule& rule);

// `image` (CV_8UC3) encoded at the options' format and quality; `what` names it in errors.
std::string encode_bundle_image(const cv::Mat& image, const BundleOptions& options, const std::string& what);

}  // namespace backdrop::exporting
