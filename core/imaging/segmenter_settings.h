#pragma once
// What a user chooses about segmentation, in one place for Settings, the project and the CLI:
// an optional learned model (an ONNX file runs through OpenCV's dnn module, any other file is taken
// as TorchScript), its input convention, and the confidence below which a mask needs attention.

#include <filesystem>
#include <memory>
#include <string>

#include "core/imaging/mask_review.h"
#include "core/imaging/onnx_segmenter.h"

namespace backdrop::imaging {

struct SegmenterSettings {
  std::filesystem::path model;  // empty: the classical segmenter alone
  SegmenterPreset preset = SegmenterPreset::U2Net;
  InputConvention custom{};  // used when preset is Custom
  double confidence_threshold = kDefaultConfidenceThreshold;
  std::string device = "cpu";  // TorchScript models only
};

// Whether `model` is run through OpenCV's dnn module (by its extension, case-insensitive).
bool is_onnx_model(const std::filesystem::path& model);

// Throws ImageError naming the setting when a value is out of range.
void validate(const SegmenterSettings& settings);

// A per-channel value as typed by people: "0.5" (all three) or "0.485,0.456,0.406" (R, G, B).
// Throws ImageError naming `setting` otherwise.
cv::Vec3d parse_channel_values(const std::string& setting, const std::string& text);

// The inverse, as parse_channel_values reads it.
std::string channel_values_text(const cv::Vec3d& values);

}  // namespace backdrop::imaging
