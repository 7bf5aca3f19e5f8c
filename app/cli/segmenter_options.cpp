#include "app/cli/segmenter_options.h"

#include "core/imaging/image_error.h"

namespace backdrop::cli {

void add_segmenter_options(CLI::App& command, SegmenterArguments& arguments) {
  command
      .add_option("--segmenter-model", arguments.model,
                  "Salient-object model combined with the classical segmenter: an ONNX file (U2-Net, IS-Net, "
                  "RMBG-1.4; run by OpenCV) or TorchScript")
      ->check(CLI::ExistingFile);
  command
      .add_option("--segmenter-preset", arguments.preset,
                  "Input convention of that model: u2net (320, ImageNet mean/std), rmbg (1024, mean 0.5, std 1) "
                  "or custom (default: the project's, else u2net)")
      ->check(CLI::IsMember({"u2net", "rmbg", "custom"}));
  command.add_option("--segmenter-size", arguments.size, "Custom preset: input size")->check(CLI::Range(16, 4096));
  command.add_option("--segmenter-mean", arguments.mean, "Custom preset: RGB mean, e.g. 0.5 or 0.485,0.456,0.406");
  command.add_option("--segmenter-std", arguments.std, "Custom preset: RGB std, e.g. 1 or 0.229,0.224,0.225");
  command.add_option("--segmenter-device", arguments.device, "Torch device for a TorchScript model (default cpu)");
  command
      .add_option("--confidence-threshold", arguments.confidence_threshold,
                  "Masks below this confidence need attention: never generated or pushed until accepted "
                  "(default: the project's, else 0.8)")
      ->check(CLI::Range(0.0, 1.0));
}

SegmenterOverrides segmenter_overrides(const SegmenterArguments& arguments) {
  SegmenterOverrides overrides;
  if (!arguments.model.empty()) overrides.model = arguments.model;
  if (!arguments.preset.empty()) overrides.preset = imaging::preset_from_name(arguments.preset);
  overrides.size = arguments.size;
  if (!arguments.mean.empty()) overrides.mean = imaging::parse_channel_values("--segmenter-mean", arguments.mean);
  if (!arguments.std.empty()) overrides.std = imaging::parse_channel_values("--segmenter-std", arguments.std);
  if (!arguments.device.empty()) overrides.device = arguments.device;
  overrides.confidence_threshold = arguments.confidence_threshold;
  return overrides;
}

imaging::SegmenterSettings resolve_segmenter_arguments(const SegmenterArguments& arguments, Project* project) {
  const auto overrides = segmenter_overrides(arguments);
  if (project != nullptr) return resolve_segmenter_settings(*project, overrides);
  if (overrides.preset == imaging::SegmenterPreset::Custom && !(overrides.size && overrides.mean && overrides.std)) {
    throw imaging::ImageError("--segmenter-preset custom needs --segmenter-size, --segmenter-mean and --segmenter-std");
  }
  return apply_overrides({}, overrides);
}

}  // namespace backdrop::cli
