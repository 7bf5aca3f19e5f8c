#pragma once
// The optional learned segmenter: a salient-object TorchScript model chosen by the user (for
// example U2-Net or IS-Net exported with torch.jit.trace), behind the Segmenter interface.
// The model takes a 1x3xSxS RGB tensor (ImageNet-normalised unless told otherwise) and returns
// a 1x1xSxS foreground map (or a tuple/list whose first element is one), probabilities or
// logits. This header keeps libtorch out of its users; only learned_segmenter.cpp includes it.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "core/imaging/onnx_segmenter.h"
#include "core/imaging/segmentation.h"

namespace backdrop::imaging {

struct LearnedSegmenterOptions {
  std::filesystem::path model;  // TorchScript file
  int input_size = 320;         // U2-Net: 320, IS-Net: 1024
  bool imagenet_normalise = true;
  std::string device = "cpu";                 // any torch device string: "cpu", "cuda", "cuda:1"
  std::optional<InputConvention> convention{};  // a preset's size, mean and std; overrides the two above

  InputConvention input_convention() const;
};

class LearnedSegmenter : public Segmenter {
 public:
  // Throws ImageError when the model cannot be loaded.
  explicit LearnedSegmenter(const LearnedSegmenterOptions& options);
  ~LearnedSegmenter() override;
  LearnedSegmenter(const LearnedSegmenter&) = delete;
  LearnedSegmenter& operator=(const LearnedSegmenter&) = delete;

  Segmentation segment(const cv::Mat& bgr) const override;

 private:
  struct Model;
  std::unique_ptr<Model> model_;
  LearnedSegmenterOptions options_;
};

}  // namespace backdrop::imaging
