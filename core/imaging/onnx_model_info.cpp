#include "core/imaging/onnx_model_info.h"

#include <set>

#include "core/imaging/image_error.h"

namespace backdrop::imaging {
namespace {

// The protobuf wire format, read-only: each field is a key (number << 3 | wire type) followed by a
// varint, 8 bytes, 4 bytes, or a length and that many bytes.
class ProtoReader {
 public:
  struct Field {
    uint32_t number = 0;
    int wire_type = 0;
    uint64_t value = 0;      // varint fields
    std::string_view bytes;  // length-delimited fields
  };

  ProtoReader(std::string_view data, const std::string& origin) : data_(data), origin_(origin) {}

  bool next(Field& field) {
    if (position_ >= data_.size()) return false;
    const uint64_t key = varint();
    field.number = static_cast<uint32_t>(key >> 3);
    field.wire_type = static_cast<int>(key & 7);
    if (field.number == 0) fail("a field numbered 0");
    switch (field.wire_type) {
      case 0:
        field.value = varint();
        break;
      case 1:
        skip(8);
        break;
      case 2: {
        const uint64_t length = varint();
        if (length > data_.size() - position_) fail("a field longer than the data");
        field.bytes = data_.substr(position_, length);
        position_ += length;
        break;
      }
      case 5:
        skip(4);
        break;
      default:
        fail("wire type " + std::to_string(field.wire_type));
    }
    return true;
  }

 private:
  uint64_t varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (position_ >= data_.size()) fail("a truncated number");
      const auto byte = static_cast<uint8_t>(data_[position_++]);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    fail("a number longer than 10 bytes");
  }

  void skip(size_t count) {
    if (count > data_.size() - position_) fail("a truncated field");
    position_ += count;
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw ImageError(origin_ + ": not an ONNX model (the protobuf has " + what + " at byte " +
                     std::to_string(position_) + ")");
  }

  std::string_view data_;
  const std::string& origin_;
  size_t position_ = 0;
};

// Reads the one length-delimited sub-message numbered `number` (the last one wins, as in protobuf).
std::string_view sub_message(std::string_view message, uint32_t number, const std::string& origin) {
  ProtoReader reader(message, origin);
  ProtoReader::Field field;
  std::string_view found;
  while (reader.next(field)) {
    if (field.number == number && field.wire_type == 2) found = field.bytes;
  }
  return found;
}

// TensorShapeProto: repeated Dimension dim = 1 { int64 dim_value = 1; string dim_param = 2; }.
std::vector<int64_t> read_shape(std::string_view shape, const std::string& origin) {
  std::vector<int64_t> dims;
  ProtoReader reader(shape, origin);
  ProtoReader::Field field;
  while (reader.next(field)) {
    if (field.number != 1 || field.wire_type != 2) continue;
    int64_t size = -1;
    ProtoReader dim(field.bytes, origin);
    ProtoReader::Field part;
    while (dim.next(part)) {
      if (part.number == 1 && part.wire_type == 0) size = static_cast<int64_t>(part.value);
    }
    dims.push_back(size > 0 ? size : -1);
  }
  return dims;
}

// ValueInfoProto { string name = 1; TypeProto type = 2 { Tensor tensor_type = 1 { shape = 2 } } }.
OnnxTensorInfo read_value_info(std::string_view info, const std::string& origin) {
  OnnxTensorInfo tensor;
  tensor.name = std::string(sub_message(info, 1, origin));
  const auto tensor_type = sub_message(sub_message(info, 2, origin), 1, origin);
  tensor.shape = read_shape(sub_message(tensor_type, 2, origin), origin);
  return tensor;
}

// GraphProto: initializer = 5 (TensorProto, name = 8), input = 11, output = 12.
OnnxModelInfo read_graph(std::string_view graph, const std::string& origin) {
  std::set<std::string> weights;
  std::vector<OnnxTensorInfo> inputs;
  OnnxModelInfo info;
  ProtoReader reader(graph, origin);
  ProtoReader::Field field;
  while (reader.next(field)) {
    if (field.wire_type != 2) continue;
    if (field.number == 5) weights.insert(std::string(sub_message(field.bytes, 8, origin)));
    if (field.number == 11) inputs.push_back(read_value_info(field.bytes, origin));
    if (field.number == 12) info.outputs.push_back(read_value_info(field.bytes, origin));
  }
  // Older exporters list the weights among the inputs too.
  for (auto& input : inputs) {
    if (!weights.contains(input.name)) info.inputs.push_back(std::move(input));
  }
  return info;
}

}  // namespace

OnnxModelInfo read_onnx_model_info(std::string_view bytes, const std::string& origin) {
  // ModelProto: int64 ir_version = 1; GraphProto graph = 7.
  ProtoReader reader(bytes, origin);
  ProtoReader::Field field;
  uint64_t ir_version = 0;
  std::string_view graph;
  while (reader.next(field)) {
    if (field.number == 1 && field.wire_type == 0) ir_version = field.value;
    if (field.number == 7 && field.wire_type == 2) graph = field.bytes;
  }
  if (ir_version == 0 || graph.empty()) throw ImageError(origin + ": not an ONNX model (no IR version or no graph)");
  OnnxModelInfo info = read_graph(graph, origin);
  if (info.inputs.empty() || info.outputs.empty()) {
    throw ImageError(origin + ": the ONNX graph declares no input or no output");
  }
  return info;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += "x";
    text += shape[i] > 0 ? std::to_string(shape[i]) : "?";
  }
  return text.empty() ? "(scalar)" : text;
}

}  // namespace backdrop::imaging
