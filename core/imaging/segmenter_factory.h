#pragma once
// Opens the learned segmenter a user chose: ONNX files through OpenCV's dnn module (OnnxSegmenter),
// any other file as TorchScript (LearnedSegmenter). Part of backdrop_core_segmenter (libtorch).

#include <memory>

#include "core/imaging/segmenter_settings.h"

namespace backdrop::imaging {

// Null when no model is set; throws ImageError naming the file when it cannot be used.
std::unique_ptr<Segmenter> open_learned_segmenter(const SegmenterSettings& settings);

}  // namespace backdrop::imaging
