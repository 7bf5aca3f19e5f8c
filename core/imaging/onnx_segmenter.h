#pragma once
// Salient-object segmentation with an ONNX model (U2-Net `u2net.onnx`, IS-Net, BRIA RMBG-1.4, ...)
// through OpenCV's dnn module. The model takes one NCHW float32 RGB image and returns a 1x1xSxS
// foreground map (the first declared output; probabilities or logits). Its input convention comes
// from a preset:
//   u2net:  320x320, ImageNet mean/std;   rmbg: 1024x1024, mean 0.5, std 1;   custom: given.
// A model that declares a fixed input size runs at that size (the preset's size is for models with
// a free size); a custom size that contradicts the declared one is an error.
// Preprocessing: the upright photo as RGB, resized with Pillow's bilinear filter, / 255, - mean, / std.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "core/imaging/segmentation.h"

namespace backdrop::imaging {

enum class SegmenterPreset { U2Net, Rmbg, Custom };

std::string preset_name(SegmenterPreset preset);
// Throws ImageError for an unknown name (the message lists the known ones).
SegmenterPreset preset_from_name(const std::string& name);

struct InputConvention {
  int size = 320;                       // square input side, pixels
  cv::Vec3d mean{0.485, 0.456, 0.406};  // RGB, on the 0..1 scale
  cv::Vec3d std{0.229, 0.224, 0.225};
};

// The convention of a named preset (Custom gives the u2net values as a starting point).
InputConvention preset_convention(SegmenterPreset preset);

struct OnnxSegmenterOptions {
  std::filesystem::path model;
  SegmenterPreset preset = SegmenterPreset::U2Net;
  InputConvention custom{};  // used when preset is Custom
  double threshold = 0.5;  // foreground probability at and above which a pixel is product
};

// The model's input: a 1x3xSxS CV_32F blob (N, C, H, W), from a CV_8UC3 BGR photo.
cv::Mat salient_input_tensor(const cv::Mat& bgr, const InputConvention& convention);

class OnnxSegmenter : public Segmenter {
 public:
  // Reads and checks the model; throws ImageError naming the file and the reason (not an ONNX
  // file, an unsupported operator, an input or output shape a salient-object model cannot have).
  explicit OnnxSegmenter(const OnnxSegmenterOptions& options);
  ~OnnxSegmenter() override;
  OnnxSegmenter(const OnnxSegmenter&) = delete;
  OnnxSegmenter& operator=(const OnnxSegmenter&) = delete;

  // The convention the model runs with (the declared input size applied).
  const InputConvention& convention() const { return convention_; }

  // The model's raw output for a 1x3xSxS blob, as an SxS CV_32F map. Thread-safe.
  cv::Mat predict(const cv::Mat& blob) const;

  // The learned mask alone, at the photo's size (no classical refinement).
  Segmentation segment(const cv::Mat& bgr) const override;

 private:
  struct Model;
  std::unique_ptr<Model> model_;
  OnnxSegmenterOptions options_;
  InputConvention convention_;
};

}  // namespace backdrop::imaging
