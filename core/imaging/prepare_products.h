#pragma once
// `backdrop prepare` as an engine function (the CLI and the GUI both call it): for every product
// of a catalogue, segment it, place it on every placement and write the canvas, mask, soft alpha,
// edge map, palette and studio-backdrop image, then a contact sheet and a summary. A product that
// fails is reported and the run goes on.
//
// Output layout:  DIR/<product id>/mask.png, palette.json
//                 DIR/<product id>/<placement id>/canvas.png, mask.png, alpha.png, edges.png,
//                                                 studio.png, placement.json
//                 DIR/contact_sheet.png, DIR/summary.json
//
// Each product ends in one of three states: prepared automatically, needs attention (a mask below
// the confidence threshold, written with the reasons, and never generated or pushed until a person
// accepts or repaints it) or refused (no mask at all, nothing written).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/common/cancellation.h"
#include "core/imaging/edge_map.h"
#include "core/imaging/layout_rules.h"
#include "core/imaging/mask_review.h"
#include "core/imaging/placement.h"
#include "core/imaging/segmentation.h"

namespace backdrop::imaging {

struct PrepareOptions {
  std::filesystem::path out_dir;
  std::vector<Placement> placements = default_placements();
  LayoutRules layout;
  const Segmenter* learned = nullptr;  // optional, combined with the classical segmenter
  double confidence_threshold = kDefaultConfidenceThreshold;
  std::filesystem::path masks_dir;  // optional: <masks_dir>/<product id>.png hand-drawn masks
  EdgeMapOptions edges;
  int palette_colours = 5;
  std::optional<cv::Vec3b> studio_colour;  // BGR; default: the palette's first analogous suggestion
  cv::Vec3b canvas_fill{255, 255, 255};    // background of canvas.png around the product
};

struct ProductOutcome {
  std::string id;
  std::string category;
  bool ok = false;               // written (automatic or needs attention)
  bool needs_attention = false;  // written, but held back until a person accepts or repaints the mask
  std::string error;             // why it failed (refused: no mask, or an error)
  SegmentationMethod method = SegmentationMethod::None;
  double confidence = 0;
  std::vector<std::string> reasons;  // why the mask needs attention
  std::vector<std::string> warnings;
};

// "auto", "needs-attention" or "refused".
std::string outcome_status(const ProductOutcome& outcome);

struct PrepareSummary {
  std::vector<ProductOutcome> products;
  std::filesystem::path contact_sheet;
  size_t failures() const;
  size_t needing_attention() const;
};

// Throws Cancelled when `cancellation` is triggered (between products), ImageError when the
// output folder cannot be written.
PrepareSummary prepare_products(const std::vector<Product>& products, const PrepareOptions& options,
                                const ProgressSink& progress = {}, const CancellationToken& cancellation = {});

}  // namespace backdrop::imaging
