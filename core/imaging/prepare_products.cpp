#include "core/imaging/prepare_products.h"

#include <cstdio>

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "core/common/file_write.h"
#include "core/imaging/colour_palette.h"
#include "core/imaging/compositing.h"
#include "core/imaging/contact_sheet.h"
#include "core/imaging/image_error.h"
#include "core/imaging/image_io.h"
#include "core/imaging/product_segmentation.h"
#include "core/imaging/studio_backdrop.h"

namespace backdrop::imaging {
namespace {

// Product ids become folder names: anything but letters, digits, '.', '-' and '_' becomes '_'.
std::string folder_name(const std::string& id) {
  std::string name = id;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
  }
  return name.empty() || name == "." || name == ".." ? "_" : name;
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  try {
    replace_file(path, text + "\n");
  } catch (const FileWriteError& error) {
    throw ImageError(error.what());
  }
}

// What a person sees of the photo: cut-outs over light grey instead of their hidden colours.
cv::Mat as_displayed(const LoadedImage& image) {
  if (!image.has_alpha()) return image.bgr;
  cv::Mat colour, alpha, alpha3, out;
  image.bgr.convertTo(colour, CV_32FC3);
  image.alpha.convertTo(alpha, CV_32FC1, 1.0 / 255.0);
  cv::merge(std::vector<cv::Mat>(3, alpha), alpha3);
  const cv::Mat grey(colour.size(), CV_32FC3, cv::Scalar::all(225));
  cv::Mat mixed = colour.mul(alpha3) + grey.mul(cv::Scalar::all(1.0) - alpha3);
  mixed.convertTo(out, CV_8UC3);
  return out;
}

std::string status_line(const ProductOutcome& outcome) {
  if (!outcome.ok) return outcome.error;
  char text[96];
  std::snprintf(text, sizeof text, "%s%s, confidence %.2f%s", outcome.needs_attention ? "NEEDS ATTENTION: " : "",
                method_name(outcome.method).c_str(), outcome.confidence, outcome.warnings.empty() ? "" : " (warnings)");
  std::string line = text;
  // The first reason is the threshold itself; the signs that follow say what to look at.
  for (size_t i = outcome.reasons.size() > 1 ? 1 : 0; i < outcome.reasons.size(); ++i)
    line += "; " + outcome.reasons[i];
  return line;
}

cv::Vec3b studio_colour_for(const Palette& palette, const PrepareOptions& options) {
  if (options.studio_colour) return *options.studio_colour;
  for (const auto& suggestion : palette.backgrounds) {
    if (suggestion.harmony == "analogous") return suggestion.colour.bgr;
  }
  return {235, 235, 235};
}

nlohmann::json placement_json(const PlacedProduct& placed, double low, double high) {
  const auto& t = placed.transform;
  return {{"placement", placed.placement.id},
          {"width", placed.placement.width},
          {"height", placed.placement.height},
          {"scale", t.scale},
          {"offset", {t.offset.x, t.offset.y}},
          {"source_box", {t.source_box.x, t.source_box.y, t.source_box.width, t.source_box.height}},
          {"canvas_box", {t.canvas_box.x, t.canvas_box.y, t.canvas_box.width, t.canvas_box.height}},
          {"edge_thresholds", {low, high}},
          {"warnings", placed.warnings}};
}

// Everything for one product; throws on failure. Fills the contact-sheet row as it goes.
void prepare_one(const Product& product, const PrepareOptions& options, const PlainBackgroundSegmenter& plain,
                 ProductOutcome& outcome, ContactSheetRow& row) {
  const LoadedImage image = load_image(product.image);
  SegmentationChoice choice{&plain, options.learned, {}, options.confidence_threshold};
  if (!options.masks_dir.empty()) {
    const auto drawn = options.masks_dir / (product.id + ".png");
    if (std::filesystem::is_regular_file(drawn)) choice.hand_drawn_mask = drawn;
  }
  const Segmentation segmentation = segment_product(image, choice);
  outcome.method = segmentation.method;
  outcome.confidence = segmentation.confidence;
  outcome.reasons = segmentation.reasons;
  outcome.needs_attention = segmentation.needs_attention;
  row.photo = outlined_thumbnail(as_displayed(image), segmentation.mask);
  if (segmentation.mask.empty()) throw ImageError(segmentation.note.empty() ? "no usable mask" : segmentation.note);

  const auto folder = options.out_dir / folder_name(product.id);
  write_image(folder / "mask.png", segmentation.mask);
  outcome.mask_file = folder / "mask.png";
  const Palette palette = extract_palette(image.bgr, segmentation.mask, options.palette_colours);
  write_text(folder / "palette.json", palette_json(palette));

  StudioOptions studio;
  studio.colour = studio_colour_for(palette, options);
  const LayoutRule& rule = options.layout.for_category(product.category);
  const cv::Mat fill(1, 1, CV_8UC3, cv::Scalar(options.canvas_fill[0], options.canvas_fill[1], options.canvas_fill[2]));
  for (const auto& placement : options.placements) {
    const PlacedProduct placed = place_product(image.bgr, segmentation, placement, rule);
    const auto target = folder / folder_name(placement.id);
    cv::Mat plate;
    cv::resize(fill, plate, placed.product.size(), 0, 0, cv::INTER_NEAREST);
    const cv::Mat canvas = composite_product(placed, plate);
    const auto [low, high] = edge_thresholds(canvas, placed.mask, options.edges);
    const cv::Mat studio_image = render_studio_backdrop(placed, studio);
    write_image(target / "canvas.png", canvas);
    write_image(target / "mask.png", placed.mask);
    write_image(target / "alpha.png", placed.alpha);
    write_image(target / "edges.png", edge_map(canvas, placed.mask, options.edges));
    write_image(target / "studio.png", studio_image);
    write_text(target / "placement.json", placement_json(placed, low, high).dump(2));
    outcome.warnings.insert(outcome.warnings.end(), placed.warnings.begin(), placed.warnings.end());
    row.placements.push_back(contact_sheet_thumbnail(studio_image));
  }
}

nlohmann::json summary_json(const PrepareSummary& summary) {
  nlohmann::json products = nlohmann::json::array();
  for (const auto& outcome : summary.products) {
    products.push_back({{"id", outcome.id},
                        {"category", outcome.category},
                        {"ok", outcome.ok},
                        {"status", outcome_status(outcome)},
                        {"reasons", outcome.reasons},
                        {"error", outcome.error},
                        {"method", method_name(outcome.method)},
                        {"confidence", outcome.confidence},
                        {"warnings", outcome.warnings}});
  }
  return {{"products", products}, {"failures", summary.failures()}, {"needing_attention", summary.needing_attention()}};
}

}  // namespace

std::string outcome_status(const ProductOutcome& outcome) {
  if (!outcome.ok) return "refused";
  return outcome.needs_attention ? "needs-attention" : "auto";
}

size_t PrepareSummary::needing_attention() const {
  size_t count = 0;
  for (const auto& outcome : products) count += outcome.ok && outcome.needs_attention ? 1 : 0;
  return count;
}

size_t PrepareSummary::failures() const {
  size_t count = 0;
  for (const auto& outcome : products) count += outcome.ok ? 0 : 1;
  return count;
}

PrepareSummary prepare_products(const std::vector<Product>& products, const PrepareOptions& options,
                                const ProgressSink& progress, const CancellationToken& cancellation) {
  std::filesystem::create_directories(options.out_dir);
  const PlainBackgroundSegmenter plain;
  PrepareSummary summary;
  std::vector<ContactSheetRow> rows;
  for (size_t i = 0; i < products.size(); ++i) {
    cancellation.throw_if_cancelled();
    const auto& product = products[i];
    if (progress) progress({static_cast<int64_t>(i), static_cast<int64_t>(products.size()), product.id});
    ProductOutcome outcome;
    outcome.id = product.id;
    outcome.category = product.category;
    ContactSheetRow row;
    try {
      prepare_one(product, options, plain, outcome, row);
      outcome.ok = true;
    } catch (const std::exception& error) {  // cv::Exception included: one bad photo never stops the run
      outcome.error = error.what();
    }
    row.title = product.id + "  " + product.category;
    row.status = status_line(outcome);
    row.failed = !outcome.ok;
    row.needs_attention = outcome.ok && outcome.needs_attention;
    rows.push_back(std::move(row));
    summary.products.push_back(std::move(outcome));
  }
  std::vector<std::string> titles;
  for (const auto& placement : options.placements) {
    titles.push_back(placement.id + " " + std::to_string(placement.width) + "x" + std::to_string(placement.height));
  }
  summary.contact_sheet = options.out_dir / "contact_sheet.png";
  write_image(summary.contact_sheet, render_contact_sheet(rows, titles));
  write_text(options.out_dir / "summary.json", summary_json(summary).dump(2));
  if (progress) progress({static_cast<int64_t>(products.size()), static_cast<int64_t>(products.size()), "done"});
  return summary;
}

}  // namespace backdrop::imaging
