#pragma once
// What an ONNX file declares about its graph's inputs and outputs (names and shapes), read from the
// protobuf directly: OpenCV's dnn module (4.6) imports the graph but cannot report the declared
// input shape, and a segmenter needs it to check the preset against the model before running it.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace backdrop::imaging {

struct OnnxTensorInfo {
  std::string name;
  std::vector<int64_t> shape;  // -1 for a dimension without a fixed size (a symbolic one)
};

struct OnnxModelInfo {
  std::vector<OnnxTensorInfo> inputs;  // graph inputs that are not weights (initializers)
  std::vector<OnnxTensorInfo> outputs;
};

// Parses a ModelProto; throws ImageError naming `origin` when the bytes are not one.
OnnxModelInfo read_onnx_model_info(std::string_view bytes, const std::string& origin);

// "1x3x320x320", with "?" for dimensions without a fixed size.
std::string shape_text(const std::vector<int64_t>& shape);

}  // namespace backdrop::imaging
