#pragma once
// The segmentation flags shared by `backdrop prepare`, `backdrop generate` and `backdrop project
// segmentation`: --segmenter-model, --segmenter-preset, --segmenter-size/-mean/-std (custom preset),
// --segmenter-device and --confidence-threshold. With a project, a flag overrides the project's
// value for its run (core/preparation/project_segmentation.h); without one, the defaults.

#include <filesystem>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "core/preparation/project_segmentation.h"

namespace backdrop::cli {

struct SegmenterArguments {
  std::filesystem::path model;
  std::string preset;  // empty: not given
  std::optional<int> size;
  std::string mean;
  std::string std;
  std::string device;  // empty: not given
  std::optional<double> confidence_threshold;
};

void add_segmenter_options(CLI::App& command, SegmenterArguments& arguments);

// The flags that were given, as overrides; throws ImageError naming a malformed flag.
SegmenterOverrides segmenter_overrides(const SegmenterArguments& arguments);

// The settings of a run: the project's (when given) with the flags over them, or core's defaults
// with the flags over them. Without a project, the custom preset needs all three custom values.
imaging::SegmenterSettings resolve_segmenter_arguments(const SegmenterArguments& arguments, Project* project);

}  // namespace backdrop::cli
