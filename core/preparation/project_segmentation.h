#pragma once
// A project's segmentation settings: the learned model, its input preset (with the custom size,
// mean and std) and the confidence threshold below which a mask needs attention. They are stored in
// the project (ProjectSettings, keys "segmentation.*"), so that the Studio and the CLI make the same
// masks and hold back the same products. Missing keys read as imaging::SegmenterSettings{}'s
// defaults, so a project that never set them segments like a fresh one.
//
// Who wins: the project's values are the project's. The Studio's Settings edit the open project's
// values (and keep them as the defaults given to new projects); `backdrop prepare --project FILE`
// reads them, and a flag given on its command line overrides the one value it names for that run.
// The device a TorchScript model runs on belongs to the machine, not the project: it is not stored.

#include <filesystem>
#include <optional>
#include <string>

#include "core/imaging/segmenter_settings.h"

namespace backdrop {

class Project;

// The stored settings over the defaults; `device` is left at its default. Throws StoreError naming
// the project file and the key when a stored value is malformed.
imaging::SegmenterSettings load_segmenter_settings(Project& project);

// Stores every value (device excepted); throws ImageError (from imaging::validate) and stores
// nothing when a value is out of range.
void save_segmenter_settings(Project& project, const imaging::SegmenterSettings& settings);

// Values given for one run (command-line flags), each replacing the project's when set.
struct SegmenterOverrides {
  std::optional<std::filesystem::path> model;
  std::optional<imaging::SegmenterPreset> preset;
  std::optional<int> size;  // custom preset
  std::optional<cv::Vec3d> mean;
  std::optional<cv::Vec3d> std;
  std::optional<double> confidence_threshold;
  std::optional<std::string> device;

  bool has_custom_values() const { return size || mean || std; }
};

// `base` with the overrides applied, then validated. Throws ImageError when custom values are given
// for a preset other than custom, or a value is out of range.
imaging::SegmenterSettings apply_overrides(imaging::SegmenterSettings base, const SegmenterOverrides& overrides);

// The settings a run on `project` uses: the project's, overridden. The CLI and the Studio both call
// this, so that the same project gives the same masks.
imaging::SegmenterSettings resolve_segmenter_settings(Project& project, const SegmenterOverrides& overrides = {});

}  // namespace backdrop
