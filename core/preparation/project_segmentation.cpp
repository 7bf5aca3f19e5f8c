#include "core/preparation/project_segmentation.h"

#include <map>

#include "core/imaging/image_error.h"
#include "core/store/project.h"
#include "core/store/store_error.h"

namespace backdrop {
namespace {

using imaging::SegmenterSettings;

constexpr const char* kPrefix = "segmentation.";
constexpr const char* kModel = "segmentation.model";
constexpr const char* kPreset = "segmentation.preset";
constexpr const char* kSize = "segmentation.size";
constexpr const char* kMean = "segmentation.mean";
constexpr const char* kStd = "segmentation.std";
constexpr const char* kThreshold = "segmentation.confidence_threshold";

// Reads one stored value with `parse`; a malformed one is a StoreError naming the file and key.
template <typename Parse>
void read_value(Project& project, const std::map<std::string, std::string>& stored, const char* key, Parse parse) {
  const auto found = stored.find(key);
  if (found == stored.end()) return;
  try {
    parse(found->second);
  } catch (const std::exception& error) {
    throw StoreError(project.file().string() + ": project setting " + key + " '" + found->second +
                     "': " + error.what());
  }
}

}  // namespace

SegmenterSettings load_segmenter_settings(Project& project) {
  const auto stored = project.settings().with_prefix(kPrefix);
  SegmenterSettings settings;
  read_value(project, stored, kModel, [&](const std::string& text) { settings.model = text; });
  read_value(project, stored, kPreset,
             [&](const std::string& text) { settings.preset = imaging::preset_from_name(text); });
  read_value(project, stored, kSize, [&](const std::string& text) {
    const double size = parse_setting_number(text);
    if (size != static_cast<int>(size)) throw std::invalid_argument("not a whole number");
    settings.custom.size = static_cast<int>(size);
  });
  read_value(project, stored, kMean,
             [&](const std::string& text) { settings.custom.mean = imaging::parse_channel_values(kMean, text); });
  read_value(project, stored, kStd,
             [&](const std::string& text) { settings.custom.std = imaging::parse_channel_values(kStd, text); });
  read_value(project, stored, kThreshold,
             [&](const std::string& text) { settings.confidence_threshold = parse_setting_number(text); });
  try {
    imaging::validate(settings);
  } catch (const std::exception& error) {
    throw StoreError(project.file().string() + ": project settings: " + error.what());
  }
  return settings;
}

void save_segmenter_settings(Project& project, const SegmenterSettings& settings) {
  imaging::validate(settings);
  Transaction transaction(project.database());
  auto stored = project.settings();
  stored.set(kModel, settings.model.string());
  stored.set(kPreset, imaging::preset_name(settings.preset));
  stored.set(kSize, std::to_string(settings.custom.size));
  stored.set(kMean, imaging::channel_values_text(settings.custom.mean));
  stored.set(kStd, imaging::channel_values_text(settings.custom.std));
  stored.set(kThreshold, setting_number_text(settings.confidence_threshold));
  transaction.commit();
}

SegmenterSettings apply_overrides(SegmenterSettings base, const SegmenterOverrides& overrides) {
  if (overrides.model) base.model = *overrides.model;
  if (overrides.preset) base.preset = *overrides.preset;
  if (overrides.has_custom_values() && base.preset != imaging::SegmenterPreset::Custom) {
    throw imaging::ImageError("a custom size, mean or std needs the custom preset (--segmenter-preset custom)");
  }
  if (overrides.size) base.custom.size = *overrides.size;
  if (overrides.mean) base.custom.mean = *overrides.mean;
  if (overrides.std) base.custom.std = *overrides.std;
  if (overrides.confidence_threshold) base.confidence_threshold = *overrides.confidence_threshold;
  if (overrides.device) base.device = *overrides.device;
  imaging::validate(base);
  return base;
}

SegmenterSettings resolve_segmenter_settings(Project& project, const SegmenterOverrides& overrides) {
  return apply_overrides(load_segmenter_settings(project), overrides);
}

}  // namespace backdrop
