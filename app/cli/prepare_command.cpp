// `backdrop prepare`: product preparation for a catalogue. For every product and placement it
// writes the canvas, mask, soft alpha, edge map, palette and studio-backdrop image, then a
// contact sheet to review and a summary of failures (exit code kExitPartialFailure if any).

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <regex>
#include <string>

#include <CLI/CLI.hpp>

#include "app/cli/commands.h"
#include "app/cli/terminal_progress.h"
#include "core/catalog/catalog.h"
#include "core/imaging/image_error.h"
#include "core/imaging/prepare_products.h"
#include "core/imaging/segmenter_factory.h"

namespace backdrop::cli {
namespace {

namespace fs = std::filesystem;
using namespace backdrop::imaging;

struct PrepareArguments {
  fs::path catalog;
  fs::path out;
  std::string placements;
  fs::path layouts;
  fs::path masks;
  fs::path segmenter_model;
  std::string segmenter_preset = "u2net";
  std::optional<int> segmenter_size;
  std::string segmenter_mean;
  std::string segmenter_std;
  std::string segmenter_device = "cpu";
  double confidence_threshold = kDefaultConfidenceThreshold;
  std::optional<double> edge_low;
  std::optional<double> edge_high;
  std::string studio_colour;
  int palette_colours = 5;
};

// "#rrggbb" -> BGR.
cv::Vec3b parse_hex_colour(const std::string& text) {
  static const std::regex pattern("#?([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})");
  std::smatch match;
  if (!std::regex_match(text, match, pattern)) throw ImageError("--studio-colour '" + text + "': expected #rrggbb");
  auto channel = [&](int i) { return static_cast<uint8_t>(std::stoi(match[i].str(), nullptr, 16)); };
  return {channel(3), channel(2), channel(1)};
}

SegmenterSettings segmenter_settings(const PrepareArguments& arguments) {
  SegmenterSettings settings;
  settings.model = arguments.segmenter_model;
  settings.preset = preset_from_name(arguments.segmenter_preset);
  settings.device = arguments.segmenter_device;
  settings.confidence_threshold = arguments.confidence_threshold;
  const bool custom_values =
      arguments.segmenter_size || !arguments.segmenter_mean.empty() || !arguments.segmenter_std.empty();
  if (settings.preset != SegmenterPreset::Custom) {
    if (custom_values)
      throw ImageError("--segmenter-size, --segmenter-mean and --segmenter-std need --segmenter-preset custom");
    return settings;
  }
  if (!arguments.segmenter_size || arguments.segmenter_mean.empty() || arguments.segmenter_std.empty()) {
    throw ImageError("--segmenter-preset custom needs --segmenter-size, --segmenter-mean and --segmenter-std");
  }
  settings.custom = {*arguments.segmenter_size, parse_channel_values("--segmenter-mean", arguments.segmenter_mean),
                     parse_channel_values("--segmenter-std", arguments.segmenter_std)};
  validate(settings);
  return settings;
}

LayoutRules layout_rules(const fs::path& configured) {
  if (!configured.empty()) return load_layout_rules(configured);
  const auto found = find_default_layout_rules();
  if (!found) {
    throw ImageError("no layout rules found (share/backdrop/layouts/default.json beside the program); "
                     "give --layouts FILE or set BACKDROP_LAYOUTS");
  }
  return load_layout_rules(*found);
}

void print_summary(const Catalog& catalog, const PrepareSummary& summary) {
  for (const auto& issue : catalog.issues) {
    std::cerr << catalog.source.string() << ":" << issue.line << ": skipped: " << issue.message << "\n";
  }
  for (const auto& outcome : summary.products) {
    if (!outcome.ok) std::cerr << "failed " << outcome.id << ": " << outcome.error << "\n";
    for (const auto& warning : outcome.warnings) std::cerr << "warning " << outcome.id << ": " << warning << "\n";
  }
  for (const auto& outcome : summary.products) {
    if (!outcome.ok || !outcome.needs_attention) continue;
    std::cerr << "needs attention " << outcome.id;
    for (const auto& reason : outcome.reasons) std::cerr << "; " << reason;
    std::cerr << "\n";
  }
  const size_t written = summary.products.size() - summary.failures();
  std::cout << "prepared " << written - summary.needing_attention() << " of " << summary.products.size()
            << " products automatically, " << summary.needing_attention() << " need attention, " << summary.failures()
            << " refused";
  std::cout << "\ncontact sheet: " << summary.contact_sheet.string() << "\n";
}

void run_prepare(const PrepareArguments& arguments, int& exit_code) {
  const Catalog catalog = read_catalog_csv(arguments.catalog);
  PrepareOptions options;
  options.out_dir = arguments.out;
  if (!arguments.placements.empty()) options.placements = parse_placements(arguments.placements);
  options.layout = layout_rules(arguments.layouts);
  options.masks_dir = arguments.masks;
  options.edges.low_threshold = arguments.edge_low;
  options.edges.high_threshold = arguments.edge_high;
  options.palette_colours = arguments.palette_colours;
  if (!arguments.studio_colour.empty()) options.studio_colour = parse_hex_colour(arguments.studio_colour);
  const SegmenterSettings segmenter = segmenter_settings(arguments);
  const auto learned = open_learned_segmenter(segmenter);
  options.learned = learned.get();
  options.confidence_threshold = segmenter.confidence_threshold;
  const auto summary = prepare_products(catalog.products, options, terminal_progress());
  print_summary(catalog, summary);
  if (summary.failures() > 0 || !catalog.issues.empty()) exit_code = kExitPartialFailure;
}

}  // namespace

void add_prepare_command(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<PrepareArguments>();
  auto* command = app.add_subcommand(
      "prepare", "Segment, place and render every catalogue product on every placement, with a contact sheet");
  command->add_option("--catalog", arguments->catalog, "Catalogue CSV (product_id, category, title, image)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--out", arguments->out, "Output folder")->required();
  command->add_option("--placements", arguments->placements,
                      "Comma-separated placements: ids (square, landscape, portrait, story, medium-rectangle, "
                      "leaderboard, skyscraper), WxH or id=WxH; default: all seven");
  command->add_option("--layouts", arguments->layouts, "Layout rules JSON (default: the installed default.json)")
      ->check(CLI::ExistingFile);
  command->add_option("--masks", arguments->masks, "Folder of hand-drawn masks named <product id>.png")
      ->check(CLI::ExistingDirectory);
  command
      ->add_option("--segmenter-model", arguments->segmenter_model,
                   "Salient-object model combined with the classical segmenter: an ONNX file (U2-Net, IS-Net, "
                   "RMBG-1.4; run by OpenCV) or TorchScript")
      ->check(CLI::ExistingFile);
  command
      ->add_option("--segmenter-preset", arguments->segmenter_preset,
                   "Input convention of that model: u2net (320, ImageNet mean/std), rmbg (1024, mean 0.5, std 1) "
                   "or custom")
      ->check(CLI::IsMember({"u2net", "rmbg", "custom"}));
  command->add_option("--segmenter-size", arguments->segmenter_size, "Custom preset: input size")
      ->check(CLI::Range(16, 4096));
  command->add_option("--segmenter-mean", arguments->segmenter_mean,
                      "Custom preset: RGB mean, e.g. 0.5 or 0.485,0.456,0.406");
  command->add_option("--segmenter-std", arguments->segmenter_std,
                      "Custom preset: RGB std, e.g. 1 or 0.229,0.224,0.225");
  command->add_option("--segmenter-device", arguments->segmenter_device, "Torch device for a TorchScript model");
  command
      ->add_option("--confidence-threshold", arguments->confidence_threshold,
                   "Masks below this confidence need attention: written, but never generated or pushed until "
                   "accepted (default 0.8)")
      ->check(CLI::Range(0.0, 1.0));
  command->add_option("--edge-low", arguments->edge_low, "Canny low threshold (default: from the median)");
  command->add_option("--edge-high", arguments->edge_high, "Canny high threshold (default: from the median)");
  command->add_option("--studio-colour", arguments->studio_colour,
                      "Studio backdrop colour #rrggbb (default: a colour that goes with the product)");
  command->add_option("--palette-colours", arguments->palette_colours, "Dominant colours per product")
      ->check(CLI::Range(1, 16));
  command->callback([arguments, &exit_code] { run_prepare(*arguments, exit_code); });
}

}  // namespace backdrop::cli
